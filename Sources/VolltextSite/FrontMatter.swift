import Foundation
import TOMLKit
import Yams

/// A front-matter value as written, kept for the index whether Volltext knows
/// the field or not. Scalars keep their text (`2021-03-04` stays a string, not
/// a timestamp) except plain booleans, numbers and nulls.
public enum FrontMatterValue: Sendable, Hashable, Codable {
    case string(String)
    case bool(Bool)
    case number(Double)
    case null
    case list([FrontMatterValue])
    case map([String: FrontMatterValue])

    /// The text of a scalar (numbers and booleans as written), nil for lists and maps.
    public var text: String? {
        switch self {
        case let .string(string): string
        case let .bool(bool): String(bool)
        case let .number(number): number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .null, .list, .map: nil
        }
    }

    /// A list of strings from a YAML list or a single scalar.
    public var texts: [String] {
        switch self {
        case let .list(values): values.compactMap(\.text)
        default: text.map { [$0] } ?? []
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(string): try container.encode(string)
        case let .bool(bool): try container.encode(bool)
        case let .number(number): try container.encode(number)
        case .null: try container.encodeNil()
        case let .list(values): try container.encode(values)
        case let .map(values): try container.encode(values)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let bool = try? container.decode(Bool.self) { self = .bool(bool) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let string = try? container.decode(String.self) { self = .string(string) }
        else if let list = try? container.decode([FrontMatterValue].self) { self = .list(list) }
        else { self = .map(try container.decode([String: FrontMatterValue].self)) }
    }
}

extension Substring {
    /// Without trailing spaces and tabs (front matter lines often have them).
    func trimmingTrailingSpaces() -> Substring {
        var end = endIndex
        while end > startIndex, let last = self[..<end].last, last == " " || last == "\t" { end = index(before: end) }
        return self[..<end]
    }
}

/// A post file split into its YAML front matter and Markdown body.
struct FrontMatter {
    /// Fields in the order written, with the line each key is on.
    var fields: [String: FrontMatterValue]
    var lines: [String: Int]
    /// The Markdown after the closing `---`.
    var body: String
    /// YAML fields left out of `fields` because their aliases expand past
    /// ``maxValues`` (see ``OversizedFields``); the reader refuses the post
    /// only if it reads one of them.
    var oversized: Set<String> = []

    init(fields: [String: FrontMatterValue], lines: [String: Int], body: String) {
        (self.fields, self.lines, self.body) = (fields, lines, body)
    }

    /// How front matter may be written: Jekyll reads YAML only; Hugo reads
    /// YAML (`---`), TOML (`+++`) and JSON (a `{ … }` object).
    enum Formats { case yamlOnly, hugo }

    /// Splits and parses a post. `text` has LF line ends; line numbers count
    /// from 1 at the file's first line (the opening `---`).
    init(parsing text: String, path: String, formats: Formats = .yamlOnly,
         oversizedFields: OversizedFields = .refused) throws(SiteError) {
        if formats == .hugo, text.hasPrefix("+++") {
            self = try FrontMatter(toml: text, path: path)
            return
        }
        if formats == .hugo, text.hasPrefix("{") {
            self = try FrontMatter(json: text, path: path)
            return
        }
        // Find the --- lines on bytes: splitting the whole post into lines is slow.
        let utf8 = text.utf8
        var lineStarts: [String.Index] = [utf8.startIndex]
        var closing: (start: String.Index, end: String.Index)?
        var index = utf8.startIndex
        while index < utf8.endIndex, closing == nil {
            let lineEnd = utf8[index...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            let line = text[index..<lineEnd].trimmingTrailingSpaces()
            if lineStarts.count == 1 {
                guard line == "---" else {
                    throw .invalidFrontMatter(path: path, line: 1, reason: formats == .hugo
                        ? "the file does not start with front matter (---, +++ or {)"
                        : "the file does not start with a --- line")
                }
            } else if line == "---" || line == "..." {
                closing = (index, lineEnd)
            }
            index = lineEnd < utf8.endIndex ? utf8.index(after: lineEnd) : lineEnd
            if closing == nil { lineStarts.append(index) }
        }
        guard let closing, lineStarts.count >= 2 else {
            throw .invalidFrontMatter(path: path, line: 1, reason: "no closing --- line")
        }
        let yaml = String(text[lineStarts[1]..<closing.start])
        body = closing.end < utf8.endIndex ? String(text[utf8.index(after: closing.end)...]) : ""
        (fields, lines, oversized) = try Self.parseYAML(yaml, path: path, lineOffset: 1, oversizedFields: oversizedFields)
    }

    /// TOML between `+++` lines, through TOMLKit (toml++).
    private init(toml text: String, path: String) throws(SiteError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let closing = lines.dropFirst().firstIndex(where: { $0.trimmingTrailingSpaces() == "+++" }) else {
            throw .invalidFrontMatter(path: path, line: 1, reason: "no closing +++ line")
        }
        let toml = lines[1..<closing].joined(separator: "\n")
        body = lines[(closing + 1)...].joined(separator: "\n")
        do {
            let table = try TOMLTable(string: toml)
            var budget = Self.maxValues
            var fields: [String: FrontMatterValue] = [:]
            for (key, value) in table {
                guard let converted = FrontMatterValue(toml: value, budget: &budget) else {
                    throw SiteError.invalidFrontMatter(path: path, line: nil, reason: "more than \(Self.maxValues) values")
                }
                fields[key] = converted
            }
            self.fields = fields
            self.lines = Self.keyLines(in: lines[1..<closing], separator: "=")
        } catch let error as TOMLParseError {
            throw .invalidFrontMatter(path: path, line: error.source.begin.line + 1, reason: error.description)
        } catch let error as SiteError {
            throw error
        } catch {
            throw .invalidFrontMatter(path: path, line: nil, reason: "\(error)")
        }
    }

    /// A JSON object at the start of the file, the body after it.
    private init(json text: String, path: String) throws(SiteError) {
        let bytes = Array(text.utf8)
        guard let end = Self.endOfJSONObject(bytes) else {
            throw .invalidFrontMatter(path: path, line: 1, reason: "the JSON object is not closed")
        }
        // JSON has no aliases: its values are bounded by the file's size.
        let fields: [String: FrontMatterValue]
        do {
            fields = try JSONDecoder().decode([String: FrontMatterValue].self, from: Data(bytes[...end]))
        } catch {
            throw .invalidFrontMatter(path: path, line: 1, reason: "not a valid JSON object")
        }
        self.fields = fields
        let head = String(decoding: bytes[...end], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        lines = Self.keyLines(in: head[...], separator: ":")
        body = String(decoding: bytes[(end + 1)...], as: UTF8.self)
    }

    /// The closing brace of the object that opens `bytes`, strings skipped.
    private static func endOfJSONObject(_ bytes: [UInt8]) -> Int? {
        var depth = 0, inString = false, escaped = false
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    /// The line of each top-level `key =` (TOML) or `"key":` (JSON), for error
    /// messages: `lines` is a slice of the file's lines, so index + 1 is the line.
    private static func keyLines(in lines: ArraySlice<Substring>, separator: Character) -> [String: Int] {
        var result: [String: Int] = [:]
        for (index, line) in zip(lines.indices, lines) {
            guard let cut = line.firstIndex(of: separator) else { continue }
            let key = line[..<cut].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'{,"))
            if !key.isEmpty, result[key] == nil { result[key] = index + 1 }
        }
        return result
    }

    /// At most this many values (scalars, lists, maps) in one YAML field, and in
    /// a whole TOML front matter or config, counting each use of an alias anew:
    /// 308 bytes of nested aliases would otherwise expand to gigabytes.
    static let maxValues = 100_000

    /// The error for a YAML field past ``maxValues``, on the line of its key.
    static func tooManyValues(path: String, line: Int?) -> SiteError {
        .invalidFrontMatter(path: path, line: line, reason: "more than \(maxValues) values (aliases expanding without bound?)")
    }

    /// At most this many values made for one YAML front matter in all, fields
    /// left out included: what bounds the work on a file of many alias bombs.
    static let maxValuesMade = 10 * maxValues

    /// What to do with a YAML field whose aliases expand past ``maxValues``.
    enum OversizedFields {
        /// Refuse the whole file, naming the field's line: for configs, and for
        /// Hugo, whose YAML reader refuses excessive aliasing and fails the build.
        case refused
        /// Leave the field out and say so in ``FrontMatter/oversized``: Jekyll's
        /// Ruby shares an alias's value rather than copying it, so it reads the
        /// post and publishes it; only a field Volltext reads makes it unreadable.
        case leftOut
    }

    /// A YAML mapping's fields, the line of each key, and the fields left out
    /// (see ``OversizedFields``); `lineOffset` is the number of lines above the
    /// YAML in its file.
    static func parseYAML(_ yaml: String, path: String, lineOffset: Int, oversizedFields: OversizedFields = .refused)
        throws(SiteError) -> (fields: [String: FrontMatterValue], lines: [String: Int], oversized: Set<String>) {
        let node: Node?
        do {
            do {
                // The basic resolver tags no scalar: `value(of:)` reads them itself, and
                // the default one runs a regular expression over every plain scalar.
                node = try Yams.compose(yaml: yaml, .basic, .default, .utf8)
            } catch YamlError.duplicatedKeysInMapping {
                // Jekyll's YAML reader lets the last of repeated keys win; so do we.
                node = try Yams.compose(yaml: Self.removingEarlierRepeatedKeys(yaml), .basic, .default, .utf8)
            }
        } catch let error as YamlError {
            throw .invalidFrontMatter(path: path, line: Self.line(of: error).map { $0 + lineOffset }, reason: Self.problem(of: error))
        } catch {
            throw .invalidFrontMatter(path: path, line: nil, reason: "\(error)")
        }
        var fields: [String: FrontMatterValue] = [:]
        var lines: [String: Int] = [:]
        var oversized: Set<String> = []
        guard let node else { return ([:], [:], []) }  // empty front matter
        guard let mapping = node.mapping else {
            throw .invalidFrontMatter(path: path, line: 1 + lineOffset, reason: "expected key: value pairs")
        }
        var madeInAll = 0
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { continue }
            let line = key.mark.map { $0.line + lineOffset }
            if let line { lines[name] = line }
            let allowed = min(maxValues, maxValuesMade - madeInAll)
            var budget = allowed
            let converted = Self.value(of: value, budget: &budget)
            madeInAll += allowed - max(budget, 0)
            if let converted {
                fields[name] = converted
            } else if oversizedFields == .leftOut && madeInAll < maxValuesMade {
                oversized.insert(name)
            } else {
                throw Self.tooManyValues(path: path, line: line)
            }
        }
        return (fields, lines, oversized)
    }

    /// Drops each top-level `key:` (with its indented lines) that is written again later.
    private static func removingEarlierRepeatedKeys(_ yaml: String) -> String {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        func topLevelKey(_ line: Substring) -> Substring? {
            guard let first = line.first, !first.isWhitespace, first != "#", first != "-",
                  let colon = line.firstIndex(of: ":") else { return nil }
            return line[..<colon]
        }
        var lastLine: [Substring: Int] = [:]
        for (index, line) in lines.enumerated() { if let key = topLevelKey(line) { lastLine[key] = index } }
        var kept: [Substring] = []
        var dropping = false
        for (index, line) in lines.enumerated() {
            if let key = topLevelKey(line) { dropping = lastLine[key] != index }
            if !dropping { kept.append(line) } else { kept.append("") }  // keep line numbers
        }
        return kept.joined(separator: "\n")
    }

    /// The value of a node; nil once `budget` values have been made.
    private static func value(of node: Node, budget: inout Int) -> FrontMatterValue? {
        budget -= 1
        guard budget >= 0 else { return nil }
        switch node {
        case let .scalar(scalar):
            guard scalar.style == .plain else { return .string(scalar.string) }
            switch scalar.string.lowercased() {
            case "true", "yes", "on": return .bool(true)  // YAML 1.1, as Jekyll's Ruby reads it
            case "false", "no", "off": return .bool(false)
            case "", "~", "null": return .null
            default:
                if let number = Double(scalar.string), scalar.string.first.map({ $0.isNumber || $0 == "-" }) == true,
                   !scalar.string.contains(where: { $0 == ":" || $0 == " " }), scalar.string.filter({ $0 == "-" }).count <= 1 {
                    return .number(number)
                }
                return .string(scalar.string)
            }
        case let .sequence(sequence):
            var list: [FrontMatterValue] = []
            for item in sequence {
                guard let value = Self.value(of: item, budget: &budget) else { return nil }
                list.append(value)
            }
            return .list(list)
        case let .mapping(mapping):
            var map: [String: FrontMatterValue] = [:]
            for (key, item) in mapping {
                guard let name = key.scalar?.string else { continue }
                guard let value = Self.value(of: item, budget: &budget) else { return nil }
                map[name] = value
            }
            return .map(map)
        case .alias:
            return .null
        }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): mark.line
        case let .duplicatedKeysInMapping(_, context): context.mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _): problem
        case let .duplicatedKeysInMapping(duplicates, _): "duplicated key \(duplicates.joined(separator: ", "))"
        case let .reader(problem, _, _, _): problem
        default: "\(error)"
        }
    }
}

extension FrontMatterValue {
    /// A TOML value; dates and times as their ISO 8601 text. Nil past `budget` values.
    init?(toml value: any TOMLValueConvertible, budget: inout Int) {
        budget -= 1
        guard budget >= 0 else { return nil }
        switch value.type {
        case .string: self = .string(value.string ?? "")
        case .int: self = .number(Double(value.int ?? 0))
        case .double: self = .number(value.double ?? 0)
        case .bool: self = .bool(value.bool ?? false)
        case .date, .time, .dateTime: self = .string(Self.isoText(of: value))
        case .array:
            var list: [FrontMatterValue] = []
            for item in value.array ?? [] {
                guard let converted = FrontMatterValue(toml: item, budget: &budget) else { return nil }
                list.append(converted)
            }
            self = .list(list)
        case .table:
            var map: [String: FrontMatterValue] = [:]
            for (key, item) in value.table ?? TOMLTable() {
                guard let converted = FrontMatterValue(toml: item, budget: &budget) else { return nil }
                map[key] = converted
            }
            self = .map(map)
        }
    }

    private static func isoText(of value: any TOMLValueConvertible) -> String {
        func day(_ date: TOMLDate) -> String { String(format: "%04d-%02d-%02d", date.year, date.month, date.day) }
        func time(_ time: TOMLTime) -> String { String(format: "%02d:%02d:%02d", time.hour, time.minute, time.second) }
        if let dateTime = value.dateTime {
            var text = day(dateTime.date) + "T" + time(dateTime.time)
            if let offset = dateTime.offset?.offset {
                text += offset == 0 ? "Z" : String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", abs(offset) / 60, abs(offset) % 60)
            }
            return text
        }
        if let date = value.date { return day(date) }
        if let clock = value.time { return time(clock) }
        return ""
    }
}
