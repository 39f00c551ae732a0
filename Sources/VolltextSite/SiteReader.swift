import Foundation
import Yams

/// Reads a Jekyll site the way Jekyll does: posts are `YYYY-MM-DD-slug.md`
/// (or `.markdown`) files in any `_posts/` folder under the site, drafts are in
/// `_drafts/`, and `_config.yml` gives the permalink style and base URL.
///
/// Reading is split in two so that an index can skip unchanged posts cheaply:
/// ``postFiles()`` lists the files, ``contents(of:)`` reads one file's bytes, and
/// only when those changed does ``post(from:contents:)`` parse them.
public struct SiteReader: Sendable {
    public struct Options: Sendable, Hashable {
        /// Include `_drafts/`.
        public var drafts = false
        /// Include posts dated after `now`.
        public var future = false
        public var now = Date()

        public init(drafts: Bool = false, future: Bool = false, now: Date = Date()) {
            self.drafts = drafts
            self.future = future
            self.now = now
        }
    }

    /// A post file found in the site.
    public struct PostFile: Sendable, Hashable {
        /// Relative to the site root, `/`-separated.
        public let path: String
        public let isDraft: Bool
        /// From the file name (`2017-11-03-…`); drafts have none.
        public let fileDate: PostDate?
        /// The file name without date and extension.
        public let slug: String
        /// Folders above `_posts`, which Jekyll makes categories.
        public let folderCategories: [String]
    }

    public let root: URL
    public let options: Options
    public let permalink: Permalink
    public let baseURL: String
    /// The site's `timezone` from `_config.yml` (zone-less dates are read in it), else UTC.
    public let timeZone: TimeZone

    /// Opens a site folder and reads its `_config.yml` if there is one.
    public init(root: URL, options: Options = Options()) throws(SiteError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .siteNotFound(path: root.path)
        }
        self.root = root.standardizedFileURL
        self.options = options
        let config = try Self.readConfig(at: self.root.appendingPathComponent("_config.yml"))
        permalink = Permalink(config["permalink"]?.text ?? "date")
        baseURL = config["baseurl"]?.text ?? ""
        timeZone = config["timezone"]?.text.flatMap(TimeZone.init(identifier:)) ?? TimeZone(secondsFromGMT: 0)!
    }

    /// What the index must re-check when it changes: a new permalink style changes every URL.
    public var settingsFingerprint: String { "\(permalink.template)|\(baseURL)|\(timeZone.identifier)" }

    private static func readConfig(at url: URL) throws(SiteError) -> [String: FrontMatterValue] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [:] }
        guard let text = String(data: data, encoding: .utf8) else { throw .invalidUTF8(path: "_config.yml", line: 1) }
        do {
            guard let mapping = try Yams.compose(yaml: text)?.mapping else { return [:] }
            var config: [String: FrontMatterValue] = [:]
            for (key, value) in mapping {
                if let name = key.scalar?.string, let scalar = value.scalar { config[name] = .string(scalar.string) }
            }
            return config
        } catch {
            throw .invalidFrontMatter(path: "_config.yml", line: nil, reason: "\(error)")
        }
    }

    // MARK: - Finding posts

    /// File extensions Jekyll reads as Markdown.
    public static let markdownExtensions: Set<String> = ["md", "markdown", "mkd", "mkdn", "mdown"]

    /// Every post file (and draft, with `drafts`), sorted by path. Folders whose
    /// names start with `.` and `_site` (Jekyll's output) are skipped.
    public func postFiles() throws(SiteError) -> [PostFile] {
        var files: [PostFile] = []
        let keys: [URLResourceKey] = [.isDirectoryKey]
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]) else {
            throw .unreadable(path: ".", reason: "cannot list the site folder")
        }
        let rootComponents = root.pathComponents.count
        for case let url as URL in walker {
            let components = Array(url.pathComponents.dropFirst(rootComponents))
            if components.last == "_site" || components.last == "node_modules" || components.last == "vendor" {
                walker.skipDescendants()
                continue
            }
            guard Self.markdownExtensions.contains(url.pathExtension.lowercased()), !url.hasDirectoryPath else { continue }
            let path = components.joined(separator: "/")
            if let postsIndex = components.firstIndex(of: "_posts") {
                guard let (date, slug) = Self.splitPostFileName(url.deletingPathExtension().lastPathComponent) else { continue }
                files.append(PostFile(path: path, isDraft: false, fileDate: date, slug: slug,
                                      folderCategories: Array(components[..<postsIndex])))
            } else if options.drafts, let draftsIndex = components.firstIndex(of: "_drafts") {
                let name = url.deletingPathExtension().lastPathComponent
                let (date, slug) = Self.splitPostFileName(name) ?? (nil, name)
                files.append(PostFile(path: path, isDraft: true, fileDate: date, slug: slug,
                                      folderCategories: Array(components[..<draftsIndex])))
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// `2017-11-03-open-data` → (2017-11-03, "open-data").
    private static func splitPostFileName(_ name: String) -> (PostDate, String)? {
        guard name.utf8.count > 11, let date = PostDate(parsing: String(name.prefix(10))),
              name.dropFirst(10).first == "-" else { return nil }
        return (date, String(name.dropFirst(11)))
    }

    // MARK: - Reading posts

    /// The raw bytes of a post file.
    public func contents(of file: PostFile) throws(SiteError) -> Data {
        do {
            return try Data(contentsOf: root.appendingPathComponent(file.path))
        } catch {
            throw .unreadable(path: file.path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
    }

    /// Parses a post. Whether it is published is the caller's to decide with ``exclusionReason(for:)``.
    public func post(from file: PostFile, contents: Data) throws(SiteError) -> Post {
        // Through a buffer pointer: String(validating:) on Data takes a slow generic path.
        guard var text = contents.withUnsafeBytes({ String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) }) else {
            throw .invalidUTF8(path: file.path, line: Self.lineOfFirstInvalidByte(in: contents))
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.containsByte("\r") { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        let matter = try FrontMatter(parsing: text, path: file.path)
        let fields = matter.fields

        guard let title = fields["title"]?.text?.trimmed(), !title.isEmpty else {
            throw .missingTitle(path: file.path, line: matter.lines["title"] ?? 1)
        }
        let date: PostDate
        if let written = fields["date"]?.text, !written.isEmpty {
            guard let parsed = PostDate(parsing: written) else {
                throw .invalidDate(path: file.path, line: matter.lines["date"], value: written)
            }
            date = parsed
        } else if let fileDate = file.fileDate {
            date = fileDate
        } else {
            date = Self.modificationDate(of: root.appendingPathComponent(file.path), in: timeZone)
        }
        let categories = file.folderCategories + Self.words(fields["categories"] ?? fields["category"])
        let (body, code) = MarkdownText.plainText(fromMarkdown: matter.body)
        let frontPermalink = fields["permalink"]?.text.map(Permalink.init)
        let url = (frontPermalink ?? permalink).url(slug: fields["slug"]?.text ?? file.slug, date: date,
                                                      categories: categories, baseURL: baseURL)
        return Post(
            path: file.path, url: url, title: title, date: date,
            authors: (fields["authors"] ?? fields["author"])?.texts.map { $0.trimmed() }
                .filter { !$0.isEmpty } ?? [],
            tags: Self.words(fields["tags"] ?? fields["tag"]),
            categories: categories,
            description: (fields["description"] ?? fields["excerpt"])?.text.flatMap { $0.isEmpty ? nil : $0 },
            lang: fields["lang"]?.text,
            isDraft: file.isDraft,
            isUnpublished: fields["published"] == .bool(false) || fields["published"]?.text?.lowercased() == "false",
            body: body, code: code, frontMatter: fields)
    }

    /// Why a post stays out of the index, as Jekyll would leave it out of the site; nil if it is in.
    public func exclusionReason(for post: Post) -> String? {
        if post.isUnpublished { return "published: false" }
        if post.isDraft && !options.drafts { return "draft" }
        if !options.future && post.date.instant(in: timeZone) > options.now { return "dated in the future" }
        return nil
    }

    /// Tags and categories: a YAML list, or a string of space-separated words
    /// as Jekyll reads it (comma-separated if it has commas).
    private static func words(_ value: FrontMatterValue?) -> [String] {
        guard let value else { return [] }
        if case .list = value { return value.texts.map { $0.trimmed() }.filter { !$0.isEmpty } }
        guard let text = value.text else { return [] }
        let separator: Character = text.containsByte(",") ? "," : " "
        return text.split(separator: separator).map { $0.trimmed() }.filter { !$0.isEmpty }
    }

    private static func lineOfFirstInvalidByte(in data: Data) -> Int {
        var line = 1
        var lineStart = data.startIndex
        for index in data.indices where data[index] == 0x0A {
            if String(validating: data[lineStart..<index], as: UTF8.self) == nil { return line }
            line += 1
            lineStart = index + 1
        }
        return line
    }

    private static func modificationDate(of url: URL, in timeZone: TimeZone) -> PostDate {
        let date = (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return PostDate(year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!)
    }
}
