import Foundation
import Synchronization
import TOMLKit

/// A Hugo site read by Hugo's rules: pages are the Markdown files under the
/// content folder; a leaf bundle's `index.md` is a page (its other Markdown
/// files are resources), a section's `_index.md` is a list page, not a post.
/// See <https://gohugo.io/content-management/organization/>.
struct HugoSite: Sendable {
    /// The configuration files Hugo looks for, in its order.
    static let configNames = ["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
                              "config.toml", "config.yaml", "config.yml", "config.json"]

    let root: URL
    let configName: String
    let contentDir: String
    let baseURLPath: String
    let defaultLanguage: String
    /// Configured language codes, lower-cased (empty: a single-language site).
    let languages: Set<String>
    let mainSections: [String]?
    /// Section → URL pattern (`/:year/:slug/`).
    let permalinks: [String: String]
    /// Where `date`, `publishDate`, `expiryDate` come from (`frontmatter:` in the config).
    let dateSources: [String], publishDateSources: [String], expiryDateSources: [String]
    let timeZone: TimeZone
    let lowercasePaths: Bool

    /// The site's Hugo configuration file, if `root` is a Hugo site: one of
    /// ``configNames`` beside a content folder, and no Jekyll `_config.yml`.
    static func configFile(in root: URL) -> String? {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: root.appendingPathComponent("_config.yml").path) else { return nil }
        return configNames.first { manager.fileExists(atPath: root.appendingPathComponent($0).path) }
    }

    init(root: URL, configName: String) throws(SiteError) {
        self.root = root
        self.configName = configName
        let config = Self.lowercasedKeys(try Self.readConfig(root.appendingPathComponent(configName), name: configName))
        contentDir = config["contentdir"]?.text ?? "content"
        let baseURL = config["baseurl"]?.text ?? ""
        var path = URL(string: baseURL)?.path ?? ""
        while path.hasSuffix("/") { path.removeLast() }
        baseURLPath = path
        defaultLanguage = (config["defaultcontentlanguage"]?.text ?? "en").lowercased()
        if case let .map(languages)? = config["languages"] {
            self.languages = Set(languages.keys.map { $0.lowercased() })
        } else {
            languages = []
        }
        var params: [String: FrontMatterValue] = [:]
        if case let .map(map)? = config["params"] { params = Self.lowercasedKeys(map) }
        let sections = (config["mainsections"] ?? params["mainsections"])?.texts
        mainSections = sections?.isEmpty == false ? sections : nil
        var permalinks: [String: String] = [:]
        if case let .map(map)? = config["permalinks"] {
            for (section, pattern) in map { if let text = pattern.text { permalinks[section] = text } }
            // Hugo 0.116+: permalinks.page.<section>
            if case let .map(pages)? = map["page"] {
                for (section, pattern) in pages { if let text = pattern.text { permalinks[section] = text } }
            }
        }
        self.permalinks = permalinks
        var dates: [String: FrontMatterValue] = [:]
        if case let .map(map)? = config["frontmatter"] { dates = Self.lowercasedKeys(map) }
        func sources(_ key: String, default defaults: [String]) -> [String] {
            guard let written = dates[key]?.texts, !written.isEmpty else { return defaults }
            return written.flatMap { $0.lowercased() == ":default" ? defaults : [$0.lowercased()] }
        }
        dateSources = sources("date", default: ["date", "publishdate", "pubdate", "published", "lastmod", "modified"])
        publishDateSources = sources("publishdate", default: ["publishdate", "pubdate", "published", "date"])
        expiryDateSources = sources("expirydate", default: ["expirydate", "unpublishdate"])
        timeZone = config["timezone"]?.text.flatMap(TimeZone.init(identifier:)) ?? TimeZone(secondsFromGMT: 0)!
        lowercasePaths = config["disablepathtolower"] != .bool(true)
    }

    var fingerprint: String {
        "hugo|\(contentDir)|\(baseURLPath)|\(defaultLanguage)|\(languages.sorted())|\(mainSections ?? [])|"
            + "\(permalinks.sorted { $0.key < $1.key })|\(dateSources)|\(publishDateSources)|\(expiryDateSources)|"
            + "\(timeZone.identifier)|\(lowercasePaths)"
    }

    /// The last config read, by path, size and modification time.
    ///
    /// TOMLKit 0.6.0 never frees a parsed table (nor its error buffer), and
    /// `serve --watch` opens the site every poll: parsing the config only when
    /// the file changed keeps that leak from growing with time.
    private static let configCache = Mutex<[String: (stamp: String, config: [String: FrontMatterValue])]>([:])

    private static func readConfig(_ url: URL, name: String) throws(SiteError) -> [String: FrontMatterValue] {
        let values = try? url.resourceValues(forKeys: [.fileSizeKey, .contentModificationDateKey])
        let stamp = "\(values?.fileSize ?? -1) \(values?.contentModificationDate?.timeIntervalSince1970 ?? 0)"
        if let cached = configCache.withLock({ $0[url.path] }), cached.stamp == stamp { return cached.config }
        let config = try parseConfig(url, name: name)
        configCache.withLock { $0[url.path] = (stamp, config) }
        return config
    }

    private static func parseConfig(_ url: URL, name: String) throws(SiteError) -> [String: FrontMatterValue] {
        guard let data = SiteReader.fileContents(url) else { return [:] }
        // An empty TOML document needs no parser (and TOMLKit leaks even for that).
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        guard let text = String(data: data, encoding: .utf8) else { throw .invalidUTF8(path: name, line: 1) }
        switch url.pathExtension {
        case "toml":
            do {
                var budget = FrontMatter.maxValues
                var fields: [String: FrontMatterValue] = [:]
                for (key, value) in try TOMLTable(string: text) {
                    guard let converted = FrontMatterValue(toml: value, budget: &budget) else {
                        throw SiteError.invalidFrontMatter(path: name, line: nil, reason: "too many values")
                    }
                    fields[key] = converted
                }
                return fields
            } catch let error as TOMLParseError {
                throw .invalidFrontMatter(path: name, line: error.source.begin.line, reason: error.description)
            } catch {
                throw .invalidFrontMatter(path: name, line: nil, reason: "\(error)")
            }
        case "json":
            do {
                return try JSONDecoder().decode([String: FrontMatterValue].self, from: data)
            } catch {
                throw .invalidFrontMatter(path: name, line: nil, reason: "not a valid JSON object")
            }
        default:
            return try FrontMatter.parseYAML(text, path: name, lineOffset: 0).fields
        }
    }

    /// Hugo's keys are case-insensitive (`baseURL`, `publishDate`).
    static func lowercasedKeys(_ map: [String: FrontMatterValue]) -> [String: FrontMatterValue] {
        Dictionary(map.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
    }

    // MARK: - Finding pages

    /// Every page file under the content folder, in the chosen sections.
    func postFiles(sections: [String]) -> [SiteReader.PostFile] {
        let wanted = Set(sections.isEmpty ? (mainSections ?? []) : sections)
        var files: [SiteReader.PostFile] = []
        var pending = [""]
        let content = root.appendingPathComponent(contentDir)
        while let folder = pending.popLast() {
            let url = folder.isEmpty ? content : content.appendingPathComponent(folder)
            guard let entries = SiteReader.listing(url.path) else { continue }
            let visible = entries.filter { !$0.name.hasPrefix(".") }
            // A leaf bundle: index.md is the page; everything else below it is its resources.
            if let index = visible.first(where: { Self.isMarkdown($0.name) && Self.baseName(of: $0.name).name == "index" }) {
                let path = folder.isEmpty ? index.name : folder + "/" + index.name
                if let file = pageFile(path, bundle: true, wanted: wanted) { files.append(file) }
                continue
            }
            for (name, kind) in visible {
                let path = folder.isEmpty ? name : folder + "/" + name
                switch kind {
                case .folder:
                    pending.append(path)
                case .file, .link:
                    if Self.isMarkdown(name), Self.baseName(of: name).name != "_index",
                       let file = pageFile(path, bundle: false, wanted: wanted) {
                        files.append(file)
                    }
                case .linkedFolder, .other:
                    continue  // linked folders are not followed; dangling links and devices are not pages
                }
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    private func pageFile(_ contentPath: String, bundle: Bool, wanted: Set<String>) -> SiteReader.PostFile? {
        let components = contentPath.split(separator: "/").map(String.init)
        let section = components.count > 1 ? components[0] : ""
        if !wanted.isEmpty, !wanted.contains(section) { return nil }
        let (name, lang) = Self.baseName(of: components.last!, languages: languages)
        let base = bundle ? (components.count > 1 ? components[components.count - 2] : name) : name
        // With `:filename` as a date source, Hugo takes the date off the name and the rest is the slug.
        let (date, rest) = dateSources.contains(":filename") ? Self.splitDatePrefix(base) : (nil, nil)
        return SiteReader.PostFile(
            path: contentDir + "/" + contentPath, isDraft: false, fileDate: date, slug: rest ?? base,
            folderCategories: Array(components.dropLast(bundle ? 2 : 1)), section: section,
            lang: lang ?? defaultLanguage, contentBaseName: base)
    }

    static func isMarkdown(_ name: String) -> Bool {
        SiteReader.markdownExtensions.contains((name as NSString).pathExtension.lowercased())
    }

    /// `post.de.md` → ("post", "de"); `jedeschule-2.0.md` → ("jedeschule-2.0", nil): a language
    /// suffix counts only if the site configures it (or, without `languages`, looks like a code).
    static func baseName(of file: String, languages: Set<String> = []) -> (name: String, lang: String?) {
        let withoutExtension = (file as NSString).deletingPathExtension
        let suffix = (withoutExtension as NSString).pathExtension.lowercased()
        let isLanguage = languages.isEmpty
            ? suffix.count == 2 && suffix.allSatisfy { $0.isLetter && $0.isASCII }
            : languages.contains(suffix)
        guard !suffix.isEmpty, isLanguage else { return (withoutExtension, nil) }
        return ((withoutExtension as NSString).deletingPathExtension, suffix)
    }

    /// `2020-01-02-titel` → (2020-01-02, "titel"), as Hugo's `:filename` date reads it.
    static func splitDatePrefix(_ name: String) -> (PostDate?, String?) {
        guard name.utf8.count > 11, let date = PostDate(parsing: String(name.prefix(10))),
              name.dropFirst(10).first == "-" else { return (nil, nil) }
        return (date, String(name.dropFirst(11)))
    }

    // MARK: - Reading a page

    func post(from file: SiteReader.PostFile, text: String) throws(SiteError) -> Post {
        // Front matter is optional in Hugo: a Markdown file without it is a page all the same.
        let first = text.prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces)
        let matter = first == "---" || first == "+++" || first.hasPrefix("{")
            ? try FrontMatter(parsing: text, path: file.path, formats: .hugo)
            : FrontMatter(fields: [:], lines: [:], body: text)
        let fields = Self.lowercasedKeys(matter.fields)
        func line(_ key: String) -> Int? {
            matter.lines.first { $0.key.lowercased() == key }?.value
        }
        func date(from sources: [String]) throws(SiteError) -> PostDate? {
            for source in sources {
                switch source {
                case ":filename": if let date = file.fileDate { return date }
                case ":filemodtime": return SiteReader.modificationDate(of: root.appendingPathComponent(file.path), in: timeZone)
                case ":git": continue  // needs the repository's history; Hugo falls through too without enableGitInfo
                default:
                    // Only text is a date: `published: true` (a flag some themes use) is passed over, as Hugo does.
                    guard case let .string(written)? = fields[source], !written.isEmpty else { continue }
                    guard let parsed = PostDate(parsing: written) else {
                        throw .invalidDate(path: file.path, line: line(source), value: written)
                    }
                    return parsed
                }
            }
            return nil
        }
        // Hugo's zero date when nothing gives one: such pages sort last by date.
        let postDate = try date(from: dateSources) ?? PostDate(year: 1, month: 1, day: 1)
        let publishDate = try date(from: publishDateSources)
        let expiryDate = try date(from: expiryDateSources)
        let title = fields["title"]?.text?.trimmed() ?? ""
        let (body, code) = MarkdownText.plainText(fromMarkdown: matter.body)
        var build: [String: FrontMatterValue] = [:]
        if case let .map(map)? = fields["build"] ?? fields["_build"] { build = Self.lowercasedKeys(map) }
        let render = build["render"]
        let notRendered = fields["headless"] == .bool(true) || render == .bool(false)
            || ["never", "false"].contains(render?.text?.lowercased() ?? "")
        return Post(
            path: file.path, url: url(for: file, fields: fields, date: postDate, title: title),
            // A page without a title still needs one in results: its file or bundle name.
            title: title.isEmpty ? file.contentBaseName.replacingOccurrences(of: "-", with: " ") : title,
            date: postDate,
            authors: (fields["authors"] ?? fields["author"])?.texts.map { $0.trimmed() }.filter { !$0.isEmpty } ?? [],
            tags: fields["tags"]?.texts.map { $0.trimmed() }.filter { !$0.isEmpty } ?? [],
            categories: fields["categories"]?.texts.map { $0.trimmed() }.filter { !$0.isEmpty } ?? [],
            description: (fields["description"] ?? fields["summary"])?.text.flatMap { $0.isEmpty ? nil : $0 },
            lang: file.lang,
            isDraft: fields["draft"] == .bool(true) || fields["draft"]?.text?.lowercased() == "true",
            isUnpublished: notRendered,
            publishDate: publishDate, expiryDate: expiryDate,
            body: body, code: code, frontMatter: matter.fields)
    }

    /// `url` from the front matter, else the section's permalink pattern, else
    /// `/<folders>/<slug or name>/`; under the language's folder for other
    /// languages than the default one, and under the base URL's path.
    private func url(for file: SiteReader.PostFile, fields: [String: FrontMatterValue], date: PostDate, title: String) -> String {
        let slug = fields["slug"]?.text.flatMap { $0.isEmpty ? nil : $0 }
        var path: String
        if let written = fields["url"]?.text, !written.isEmpty {
            path = written.hasPrefix("/") ? written : "/" + written
        } else {
            let folders = file.folderCategories
            if let pattern = permalinks[file.section ?? ""] {
                path = expand(pattern, file: file, slug: slug, date: date, title: title, folders: folders)
            } else {
                path = "/" + (folders + [slug ?? file.slug]).map(urlized).joined(separator: "/") + "/"
            }
            if let lang = file.lang, lang != defaultLanguage {
                path = "/" + lang + path
            }
        }
        while path.contains("//") { path = path.replacingOccurrences(of: "//", with: "/") }
        let url = baseURLPath + path
        return url.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "%"))) ?? url
    }

    private func expand(_ pattern: String, file: SiteReader.PostFile, slug: String?, date: PostDate, title: String,
                        folders: [String]) -> String {
        var result = ""
        var rest = Substring(pattern)
        while let colon = rest.firstIndex(of: ":") {
            result += rest[..<colon]
            let name = rest[rest.index(after: colon)...].prefix { $0.isLetter || $0 == "_" }
            rest = rest[rest.index(colon, offsetBy: 1 + name.count)...]
            switch name {
            case "year": result += String(format: "%04d", date.year)
            case "month": result += String(format: "%02d", date.month)
            case "day": result += String(format: "%02d", date.day)
            case "section": result += urlized(file.section ?? "")
            case "sections": result += folders.map(urlized).joined(separator: "/")
            case "title": result += urlized(title.isEmpty ? file.contentBaseName : title)
            case "slug": result += urlized(slug ?? (title.isEmpty ? file.contentBaseName : title))
            case "filename", "contentbasename": result += urlized(file.contentBaseName)
            case "slugorfilename", "slugorcontentbasename": result += urlized(slug ?? file.contentBaseName)
            default: result += ":" + name
            }
        }
        result += rest
        return result.hasPrefix("/") ? result : "/" + result
    }

    /// A path segment as Hugo writes it: spaces become hyphens, lower case
    /// unless the site sets `disablePathToLower`.
    private func urlized(_ segment: String) -> String {
        let hyphenated = segment.split(whereSeparator: \.isWhitespace).joined(separator: "-")
        return lowercasePaths ? hyphenated.lowercased() : hyphenated
    }
}
