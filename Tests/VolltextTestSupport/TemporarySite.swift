import Foundation
import Synchronization

/// A throw-away site folder for tests, removed on deinit with its index file.
public final class TemporarySite: Sendable {
    public let root: URL

    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("volltext-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { Self.remove(root.path) }

    private static func remove(_ root: String) {
        try? FileManager.default.removeItem(atPath: root)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: root + ".sqlite" + suffix) }
    }

    /// For a site kept in a `static let`, which is never deinitialised: removes
    /// it when the test process exits.
    public func removeAtExit() {
        let isFirst = sitesToRemoveAtExit.withLock { sites in
            sites.append(root.path)
            return sites.count == 1
        }
        if isFirst {
            atexit { for root in sitesToRemoveAtExit.withLock({ $0 }) { TemporarySite.remove(root) } }
        }
    }

    /// Writes a file (creating folders), relative to the site root.
    public func write(_ path: String, _ contents: String) throws {
        try write(path, Data(contents.utf8))
    }

    public func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    public func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(path))
    }

    public func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Copies files from another folder, keeping their relative paths.
    public func copy(_ paths: [String], from source: URL) throws {
        for path in paths { try write(path, Data(contentsOf: source.appendingPathComponent(path))) }
    }

    /// A path for an index file next to (not inside) the site.
    public var indexPath: String { root.path + ".sqlite" }

    /// A small post with front matter.
    public static func post(title: String = "Ein Titel", date: String? = "2020-05-01", tags: String = "[Open Data]",
                            extra: String = "", body: String = "Die Verwaltung veröffentlicht Daten.") -> String {
        var lines = ["---", "title: \(title)"]
        if let date { lines.append("date: \(date)") }
        lines.append("tags: \(tags)")
        if !extra.isEmpty { lines.append(extra) }
        lines += ["---", body, ""]
        return lines.joined(separator: "\n")
    }
}

/// Independent, crude reads of the real posts' front matter: the tests check
/// the real parser against these rather than against literal copies of others' text.
public enum CrudeFrontMatter {
    /// The raw value of a top-level `key:` line, unquoted.
    public static func value(_ key: String, in text: String) -> String? {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return nil }
        var found: String?
        for line in lines.dropFirst() {
            if line.trimmingCharacters(in: .whitespaces) == "---" { break }
            guard line.hasPrefix(key + ":") else { continue }
            var value = line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
            if let first = value.first, first == "\"" || first == "'" {
                guard value.count >= 2, value.last == first else { found = nil; continue }  // spans lines: unknown
                value = String(value.dropFirst().dropLast())
            }
            found = value  // the last one wins, as in Jekyll
        }
        return found
    }

    /// The items of a top-level YAML block list (`key:` then `- item` lines).
    public static func list(_ key: String, in text: String) -> [String] {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var items: [String] = []
        var inList = false
        for line in lines.dropFirst() {
            if line.trimmingCharacters(in: .whitespaces) == "---" { break }
            if line.hasPrefix(key + ":") { inList = true; items = []; continue }
            guard inList else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("- ") {
                var item = String(trimmed.dropFirst(2)).trimmingCharacters(in: .whitespaces)
                if item.count >= 2, let first = item.first, first == "\"" || first == "'", item.last == first {
                    item = String(item.dropFirst().dropLast())
                }
                items.append(item)
            } else if !line.hasPrefix(" ") {
                inList = false
            }
        }
        return items
    }
}

private let sitesToRemoveAtExit = Mutex<[String]>([])
