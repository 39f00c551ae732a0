import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What Jekyll reads from `_config.yml` that decides which posts exist and
/// what they say: `exclude`/`include`, `defaults`, `permalink`, `baseurl`,
/// `timezone`.
struct JekyllConfig: Sendable, Hashable {
    var permalink = Permalink.date
    var baseURL = ""
    var timeZone = TimeZone(secondsFromGMT: 0)!
    /// Jekyll's `exclude` with its defaults added, less what `include` names.
    var exclude: [String] = JekyllConfig.defaultExcludes
    var include: [String] = [".htaccess"]
    var defaults: [FrontMatterDefault] = []

    /// Jekyll 4's defaults, added to any the site names.
    static let defaultExcludes = [
        ".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules",
        "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/",
    ]

    init() {}

    init(_ config: [String: FrontMatterValue]) {
        permalink = Permalink(config["permalink"]?.text ?? "date")
        baseURL = config["baseurl"]?.text ?? ""
        timeZone = config["timezone"]?.text.flatMap(TimeZone.init(identifier:)) ?? TimeZone(secondsFromGMT: 0)!
        exclude = (config["exclude"]?.texts ?? []) + Self.defaultExcludes
        include = config["include"]?.texts ?? [".htaccess"]
        if case let .list(sets)? = config["defaults"] { defaults = sets.compactMap(FrontMatterDefault.init) }
    }

    /// What the index must re-check when it changes.
    var fingerprint: String {
        "\(permalink.template)|\(baseURL)|\(timeZone.identifier)|\(exclude)|\(include)|\(defaults)"
    }
}

/// One entry of `defaults:` in `_config.yml`: front matter for the files a scope names.
struct FrontMatterDefault: Sendable, Hashable, CustomStringConvertible {
    /// Relative to the site, `/`-separated; empty for every file. May hold `*`.
    var path: String
    /// `posts`, `pages`, `drafts` or a collection; nil for every type.
    var type: String?
    var values: [String: FrontMatterValue]

    init?(_ value: FrontMatterValue) {
        guard case let .map(set) = value, case let .map(values)? = set["values"] else { return nil }
        var scope: [String: FrontMatterValue] = [:]
        if case let .map(map)? = set["scope"] { scope = map }
        var path = scope["path"]?.text ?? ""
        while path.hasPrefix("/") || path.hasPrefix("./") { path.removeFirst(path.hasPrefix("/") ? 1 : 2) }
        while path.hasSuffix("/") { path.removeLast() }
        self.path = path
        type = scope["type"]?.text
        self.values = values
    }

    var description: String { "\(path)|\(type ?? "*")|\(values.keys.sorted())|\(values.hashValue)" }

    /// Whether the scope covers a file at `relativePath` of the given type.
    func applies(to relativePath: String, isDraft: Bool) -> Bool {
        if let type, type != "posts", !(isDraft && type == "drafts") { return false }
        if path.isEmpty { return true }
        if path.contains("*") { return fnmatch(path, relativePath, FNM_PATHNAME) == 0 || fnmatch(path + "/*", relativePath, 0) == 0 }
        return relativePath == path || relativePath.hasPrefix(path + "/")
    }

    /// Jekyll's order: a longer path, or the same path with a type, takes precedence.
    var precedence: (Int, Int) { (path.isEmpty ? 0 : path.split(separator: "/").count, type == nil ? 0 : 1) }

    /// The front matter of a post: the defaults that apply, in order of
    /// precedence, under what the post itself says.
    static func merged(_ defaults: [FrontMatterDefault], into fields: [String: FrontMatterValue],
                       path: String, isDraft: Bool) -> [String: FrontMatterValue] {
        let applying = defaults.enumerated().filter { $0.element.applies(to: path, isDraft: isDraft) }
            .sorted {
                ($0.element.precedence.0, $0.element.precedence.1, $0.offset)
                    < ($1.element.precedence.0, $1.element.precedence.1, $1.offset)
            }
        guard !applying.isEmpty else { return fields }
        var result: [String: FrontMatterValue] = [:]
        for (_, set) in applying { result.merge(set.values) { _, new in new } }
        result.merge(fields) { _, own in own }
        return result
    }
}

/// Jekyll's `EntryFilter`: which files and folders a site leaves out.
///
/// Left out: names starting with `.`, `_`, `#` or `~` and names ending in `~`
/// (unless `include` names them), what `exclude` names (a glob, or a prefix of
/// the path from the site root), and symbolic links that lead out of the site.
struct JekyllEntryFilter: Sendable {
    let root: URL
    let rootPath: String
    let rootRealPath: String
    let config: JekyllConfig
    /// `include` and `exclude` (less what `include` names), without leading slashes: made once, used per file.
    private let includePatterns: [GlobPattern]
    private let excludePatterns: [GlobPattern]

    init(root: URL, config: JekyllConfig) {
        self.root = root
        self.config = config
        rootPath = root.path
        rootRealPath = Self.realPath(root.path) ?? root.path
        func normalized(_ patterns: [String]) -> [GlobPattern] {
            patterns.map { String($0.drop { $0 == "/" }) }.filter { !$0.isEmpty }.map(GlobPattern.init)
        }
        includePatterns = normalized(config.include)
        excludePatterns = normalized(config.exclude.filter { !config.include.contains($0) })
    }

    /// Whether `relativePath` (from the site root) is read; `entry` is the
    /// path as Jekyll tests it (relative to the folder being listed).
    /// `isLink`: the entry is a symbolic link (the walk has looked already), so
    /// only links cost a look at where they lead.
    func keeps(entry: String, relativePath: String, isLink: Bool) -> Bool {
        let name = entry.lastIndex(of: "/").map { String(entry[entry.index(after: $0)...]) } ?? entry
        if Self.globIncludes(includePatterns, entry) || Self.globIncludes(includePatterns, name) {
            return !(isLink && leadsOutOfSite(relativePath))
        }
        if Self.isSpecial(entry) || Self.isSpecial(name) || name.hasSuffix("~") { return false }
        if Self.globIncludes(excludePatterns, relativePath) { return false }
        return !(isLink && leadsOutOfSite(relativePath))
    }

    /// An `include` or `exclude` entry, with whether it has wildcards worked out once.
    struct GlobPattern: Sendable {
        let text: String
        let isGlob: Bool

        init(_ text: String) {
            self.text = text
            isGlob = text.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
        }
    }

    static func isSpecial(_ name: some StringProtocol) -> Bool {
        guard let first = name.first else { return false }
        return first == "." || first == "_" || first == "#" || first == "~"
    }

    /// Jekyll's `glob_include?`: a pattern matches by `fnmatch` (where `*`
    /// crosses folders), as a prefix of the path, or as the folder itself.
    static func globIncludes(_ patterns: [GlobPattern], _ path: String) -> Bool {
        patterns.contains { pattern in
            // A pattern without wildcards matches as a prefix anyway: fnmatch only for real globs.
            if path.utf8.starts(with: pattern.text.utf8) || pattern.text == path + "/" { return true }
            return pattern.isGlob && fnmatch(pattern.text, path, 0) == 0
        }
    }

    /// A symbolic link whose target lies outside the site. The walk never
    /// descends through linked folders, so only the entry itself can be a
    /// link: one `lstat` for most files, `realpath` only for links.
    private func leadsOutOfSite(_ relativePath: String) -> Bool {
        let path = rootPath + "/" + relativePath
        var info = stat()
        guard lstat(path, &info) == 0 else { return true }
        guard info.st_mode & S_IFMT == S_IFLNK else { return false }
        guard let real = Self.realPath(path) else { return true }  // a dangling link
        return !(real == rootRealPath || real.hasPrefix(rootRealPath + "/"))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
