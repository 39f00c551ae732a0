import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Yams

/// Reads a site the way its generator does.
///
/// Jekyll (a `_config.yml`, or no Hugo configuration): posts are
/// `YYYY-MM-DD-slug.md` (or `.markdown`) files in any `_posts/` folder under
/// the site, drafts are in `_drafts/`, and `_config.yml` gives the permalink
/// style, base URL, excludes and defaults.
///
/// Hugo (`hugo.toml`/`.yaml`/`.json` or `config.*` beside `content/`): see ``HugoSite``.
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
        /// Include Hugo pages whose `expiryDate` has passed.
        public var expired = false
        /// Hugo: only these sections (default: the site's `mainSections`, else all).
        public var sections: [String] = []
        public var now = Date()

        public init(drafts: Bool = false, future: Bool = false, expired: Bool = false, sections: [String] = [],
                    now: Date = Date()) {
            self.drafts = drafts
            self.future = future
            self.expired = expired
            self.sections = sections
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
        /// Folders above `_posts`, which Jekyll makes categories; for Hugo, the
        /// folders between the content folder and the page.
        public let folderCategories: [String]
        /// Hugo: the page's section (its first folder), its language, and the
        /// file's (or bundle's) name without language and extension.
        public var section: String? = nil
        public var lang: String? = nil
        public var contentBaseName = ""
    }

    /// Which generator's rules the site is read by.
    public enum Generator: String, Sendable { case jekyll, hugo }

    public let root: URL
    /// `root` as a path, for the walk's system calls.
    private let rootPath: String
    public let options: Options
    let jekyll: JekyllConfig
    private let filter: JekyllEntryFilter
    let hugo: HugoSite?

    public var generator: Generator { hugo == nil ? .jekyll : .hugo }
    public var permalink: Permalink { jekyll.permalink }
    public var baseURL: String { jekyll.baseURL }
    /// The site's `timezone` (zone-less dates are read in it), else UTC.
    public var timeZone: TimeZone { hugo?.timeZone ?? jekyll.timeZone }

    /// Opens a site folder and reads its `_config.yml` if there is one.
    public init(root: URL, options: Options = Options()) throws(SiteError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .siteNotFound(path: root.path)
        }
        self.root = root.standardizedFileURL
        rootPath = self.root.path
        self.options = options
        if let hugoConfig = HugoSite.configFile(in: self.root) {
            hugo = try HugoSite(root: self.root, configName: hugoConfig)
            jekyll = JekyllConfig()
        } else {
            hugo = nil
            jekyll = JekyllConfig(try Self.readConfig(at: self.root.appendingPathComponent("_config.yml"), name: "_config.yml"))
        }
        filter = JekyllEntryFilter(root: self.root, config: jekyll)
    }

    /// What the index must re-check when it changes: a new permalink style
    /// changes every URL, new `defaults` or `exclude` change which posts exist.
    public var settingsFingerprint: String {
        (hugo.map { $0.fingerprint + "|sections \(options.sections)" } ?? jekyll.fingerprint)
    }

    /// The site's configuration file as front-matter values (nested maps and lists).
    static func readConfig(at url: URL, name: String) throws(SiteError) -> [String: FrontMatterValue] {
        guard let data = Self.fileContents(url) else { return [:] }
        guard let text = String(data: data, encoding: .utf8) else { throw .invalidUTF8(path: name, line: 1) }
        return try FrontMatter.parseYAML(text, path: name, lineOffset: 0).fields
    }

    // MARK: - Finding posts

    /// File extensions Jekyll reads as Markdown.
    public static let markdownExtensions: Set<String> = ["md", "markdown", "mkd", "mkdn", "mdown"]

    /// Every post file (and draft, with `drafts`), sorted by path, by
    /// Jekyll's rules: posts are in a `_posts/` folder of the site root or of
    /// any folder Jekyll reads (not one starting with `_`, `.`, `#` or `~`,
    /// nor one in `exclude`); inside `_posts/`, entries starting with those
    /// characters are skipped too, and links leading out of the site are never followed.
    public func postFiles() throws(SiteError) -> [PostFile] {
        if let hugo { return hugo.postFiles(sections: options.sections) }
        var files: [PostFile] = []
        guard let entries = Self.listing(rootPath) else { throw .unreadable(path: ".", reason: "cannot list the site folder") }
        visitFolder("", entries: entries, into: &files)
        return files.sorted { $0.path < $1.path }
    }

    /// Every file the site's posts are read from or configured by: what `--watch` compares between polls.
    public func watchedFiles() throws(SiteError) -> [String] {
        try postFiles().map(\.path) + [hugo?.configName ?? "_config.yml"]
    }

    private func visitFolder(_ folder: String, entries: [Entry], into files: inout [PostFile]) {
        if entries.contains(where: { $0.name == "_posts" }) { collectPosts(under: Self.join(folder, "_posts"), isDraft: false, into: &files) }
        if options.drafts, entries.contains(where: { $0.name == "_drafts" }) {
            collectPosts(under: Self.join(folder, "_drafts"), isDraft: true, into: &files)
        }
        for entry in entries where entry.name != "_posts" && entry.name != "_drafts" {
            let path = Self.join(folder, entry.name)
            // Linked folders are not followed (they could lead out of the site, or in circles).
            guard entry.kind == .folder, filter.keeps(entry: entry.name, relativePath: path, isLink: false),
                  let children = Self.listing(rootPath + "/" + path) else { continue }
            visitFolder(path, entries: children, into: &files)
        }
    }

    /// The Markdown files below a `_posts/` or `_drafts/` folder (Jekyll's `Dir["**/*"]`: no hidden entries).
    private func collectPosts(under folder: String, isDraft: Bool, into files: inout [PostFile]) {
        let categories = Array(folder.split(separator: "/").map(String.init).dropLast())
        var pending = [""]
        while let sub = pending.popLast() {
            guard let entries = Self.listing(rootPath + "/" + Self.join(folder, sub)) else { continue }
            for (name, kind) in entries where !name.hasPrefix(".") {
                let entry = Self.join(sub, name)
                let path = Self.join(folder, entry)
                switch kind {
                case .folder:
                    pending.append(entry)
                    continue
                case .other, .linkedFolder:
                    continue
                case .file, .link:
                    break
                }
                let (base, pathExtension) = Self.splitExtension(name)
                guard Self.markdownExtensions.contains(pathExtension.lowercased()),
                      filter.keeps(entry: entry, relativePath: path, isLink: kind == .link) else { continue }
                if !isDraft {
                    guard let (date, slug) = Self.splitPostFileName(base) else { continue }
                    files.append(PostFile(path: path, isDraft: false, fileDate: date, slug: slug, folderCategories: categories))
                } else {
                    let (date, slug) = Self.splitPostFileName(base) ?? (nil, base)
                    files.append(PostFile(path: path, isDraft: true, fileDate: date, slug: slug, folderCategories: categories))
                }
            }
        }
    }

    private static func join(_ folder: String, _ name: String) -> String { folder.isEmpty ? name : folder + "/" + name }

    /// `2020-01-01-post.md` → ("2020-01-01-post", "md").
    private static func splitExtension(_ name: String) -> (String, String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, "") }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }

    enum EntryKind { case file, folder, link, linkedFolder, other }
    typealias Entry = (name: String, kind: EntryKind)

    /// A folder's entries with their kinds, sorted by name; nil if it cannot be
    /// listed. The kind comes from the listing itself (`d_type`) where the file
    /// system gives it: an `lstat` for each of 20,000 posts was a third of the
    /// time it takes to list them, which every reindex does, changed or not.
    static func listing(_ path: String) -> [Entry]? {
        guard let folder = opendir(path) else { return nil }
        defer { closedir(folder) }
        var entries: [Entry] = []
        while let record = readdir(folder) {
            let name = withUnsafeBytes(of: record.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            let kind: EntryKind = switch Int32(record.pointee.d_type) {
            case Int32(DT_DIR): .folder
            case Int32(DT_REG): .file
            case Int32(DT_FIFO), Int32(DT_CHR), Int32(DT_BLK), Int32(DT_SOCK): .other
            default: kind(of: path + "/" + name)  // a link, or a file system that does not say
            }
            entries.append((name, kind))
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// What an entry is, by `lstat` (and `stat` for a link): plain system
    /// calls, since Foundation's URL resource values cost more than the
    /// no-op reindex of a large site may spend on all its files.
    private static func kind(of path: String) -> EntryKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .other }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: return .file
        case S_IFLNK:
            guard stat(path, &info) == 0 else { return .other }
            return info.st_mode & S_IFMT == S_IFDIR ? .linkedFolder : .link
        default: return .other
        }
    }

    /// `2017-11-03-open-data` → (2017-11-03, "open-data").
    private static func splitPostFileName(_ name: String) -> (PostDate, String)? {
        guard name.utf8.count > 11, let date = PostDate(parsing: String(name.prefix(10))),
              name.dropFirst(10).first == "-" else { return nil }
        return (date, String(name.dropFirst(11)))
    }

    // MARK: - Reading posts

    /// A file's bytes, nil if it cannot be read. An empty file is not read at
    /// all: Foundation's reader leaks a 4 KB buffer for one (found by the fuzzer's
    /// leak check), and `--watch` reads the config on every poll.
    static func fileContents(_ url: URL) -> Data? {
        if isEmptyFile(url) { return Data() }
        return FileManager.default.contents(atPath: url.path)
    }

    static func isEmptyFile(_ url: URL) -> Bool {
        (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) == 0
    }

    /// Posts larger than this are rejected unread: no blog post is, and every
    /// cost of indexing grows with it.
    public static let maxPostBytes = 10_000_000

    /// The raw bytes of a post file.
    ///
    /// Read with plain system calls (open, fstat, read): Foundation's URL and
    /// `Data(contentsOf:)` cost a fifth of a no-op reindex, which reads every file.
    public func contents(of file: PostFile) throws(SiteError) -> Data {
        func failure(_ code: Int32) -> SiteError { .unreadable(path: file.path, reason: String(cString: strerror(code))) }
        let descriptor = open(rootPath + "/" + file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure(errno) }
        let size = Int(info.st_size)
        if size > Self.maxPostBytes { throw .tooLarge(path: file.path, bytes: size) }
        if size == 0 { return Data() }
        var data = Data(count: size)
        var filled = 0
        var readError: Int32 = 0
        data.withUnsafeMutableBytes { buffer in
            while filled < size {
                let count = read(descriptor, buffer.baseAddress! + filled, size - filled)
                if count > 0 {
                    filled += count
                } else if count == 0 || errno != EINTR {
                    if count < 0 { readError = errno }
                    break  // at the end: the file got shorter since fstat
                }
            }
        }
        if readError != 0 { throw failure(readError) }
        if filled < size { data.removeSubrange(filled...) }
        return data
    }

    /// The front-matter fields a Jekyll post's reading below looks at: one left
    /// out for its size (a YAML alias bomb) makes the post unreadable; any other
    /// is left out of ``Post/frontMatter`` and the post read as Jekyll reads it.
    static let jekyllFieldsRead: Set<String> = [
        "title", "date", "categories", "category", "permalink", "slug", "authors", "author",
        "tags", "tag", "description", "excerpt", "lang", "published",
    ]

    /// Parses a post. Whether it is published is the caller's to decide with ``exclusionReason(for:)``.
    public func post(from file: PostFile, contents: Data) throws(SiteError) -> Post {
        // Through a buffer pointer: String(validating:) on Data takes a slow generic path.
        guard var text = contents.withUnsafeBytes({ String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) }) else {
            throw .invalidUTF8(path: file.path, line: Self.lineOfFirstInvalidByte(in: contents))
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.containsByte("\r") { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        if let hugo { return try hugo.post(from: file, text: text) }
        let matter = try FrontMatter(parsing: text, path: file.path, oversizedFields: .leftOut)
        if let unreadable = matter.oversized.intersection(Self.jekyllFieldsRead).min() {
            throw FrontMatter.tooManyValues(path: file.path, line: matter.lines[unreadable])
        }
        let fields = FrontMatterDefault.merged(jekyll.defaults, into: matter.fields, path: file.path, isDraft: file.isDraft)

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
            isUnpublished: Self.isUnpublished(fields["published"], written: fields.keys.contains("published")),
            body: body, code: code, frontMatter: fields)
    }

    /// Why a post stays out of the index, as its generator would leave it out of the site; nil if it is in.
    public func exclusionReason(for post: Post) -> String? {
        if post.isUnpublished { return hugo == nil ? "published: false" : "not rendered (headless or build.render)" }
        if post.isDraft && !options.drafts { return "draft" }
        if !options.future && visibleFrom(post) > options.now { return "dated in the future" }
        if !options.expired, let expiry = expiresAt(post), expiry <= options.now { return "expired" }
        return nil
    }

    /// When the post may be shown: its date, or a later `publishDate`.
    public func visibleFrom(_ post: Post) -> Date {
        max(post.date.instant(in: timeZone), post.publishDate?.instant(in: timeZone) ?? .distantPast)
    }

    /// When the post expires (Hugo's `expiryDate`), unless `--expired`.
    public func expiresAt(_ post: Post) -> Date? {
        options.expired ? nil : post.expiryDate?.instant(in: timeZone)
    }

    /// Jekyll publishes a post unless `published` is written and false or
    /// empty (Ruby reads `published:` and `published: ~` as nil, which is false).
    /// A quoted "false" is text to Jekyll, but a writer who typed it meant no: unpublished too.
    private static func isUnpublished(_ value: FrontMatterValue?, written: Bool) -> Bool {
        guard written, let value else { return false }
        switch value {
        case .null, .bool(false): return true
        case let .string(text): return text.lowercased() == "false" || text.isEmpty
        default: return false
        }
    }

    /// Whether a post that cannot be read says, as far as a plain look at its
    /// front-matter lines tells, that it must not be published: `published:`
    /// false or empty, `draft: true`, `private: true`, `headless: true`. Such a
    /// post is taken out of the index rather than kept at its last readable
    /// version: a broken retraction must not leave the post searchable.
    public static func mayBeRetracted(_ contents: Data) -> Bool {
        let head = contents.prefix(65_536)
        var inFrontMatter = false
        for (number, rawLine) in head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = String(decoding: rawLine, as: UTF8.self).trimmed().lowercased()
            if number == 0 { inFrontMatter = line == "---" || line == "+++" || line == "{"; if inFrontMatter { continue } }
            guard inFrontMatter else { return false }
            if line == "---" || line == "+++" || line == "}" { return false }
            let parts = line.split(separator: line.contains("=") && !line.contains(":") ? "=" : ":", maxSplits: 1,
                                   omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
            let value = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"', "))
            switch key {
            case "published": if ["", "false", "no", "off", "~", "null"].contains(value) { return true }
            case "draft", "private", "headless": if ["true", "yes", "on"].contains(value) { return true }
            default: continue
            }
        }
        return false
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

    static func modificationDate(of url: URL, in timeZone: TimeZone) -> PostDate {
        let date = (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return PostDate(year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!)
    }
}
