import Foundation

/// JSON for the hot paths: reading the `authors`/`tags` columns of every hit
/// and writing search results. Foundation's coders take tens of microseconds
/// per call on Linux, which showed at thousands of searches a second; these
/// write exactly what `JSONEncoder` with sorted keys and unescaped slashes writes.
enum JSONText {
    /// A JSON array of strings, as the index stores authors and tags.
    static func stringArray(_ text: String) -> [String] {
        if let fast = parseStringArray(Array(text.utf8)) { return fast }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    private static func parseStringArray(_ bytes: [UInt8]) -> [String]? {
        var index = 0
        func skipSpace() { while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 } }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return nil }
        index += 1
        var strings: [String] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { return strings }
        while index < bytes.count {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let string = parseString(bytes, &index) else { return nil }
            strings.append(string)
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "]") { return strings }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
        return nil
    }

    /// A string starting at the quote at `index`; only plain escapes, else nil (the slow path decodes).
    private static func parseString(_ bytes: [UInt8], _ index: inout Int) -> String? {
        index += 1
        var utf8: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else { return nil }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""): utf8.append(0x22)
                case UInt8(ascii: "\\"): utf8.append(0x5C)
                case UInt8(ascii: "/"): utf8.append(0x2F)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                default: return nil  // \u, \b, \f: rare, left to JSONDecoder
                }
                index += 2
                continue
            }
            utf8.append(byte)
            index += 1
        }
        return nil
    }

    /// Appends `string` as a JSON string literal.
    static func appendString(_ string: String, to output: inout [UInt8]) {
        output.append(0x22)
        for byte in string.utf8 {
            switch byte {
            case 0x22: output += [0x5C, 0x22]
            case 0x5C: output += [0x5C, 0x5C]
            case 0x0A: output += [0x5C, 0x6E]
            case 0x0D: output += [0x5C, 0x72]
            case 0x09: output += [0x5C, 0x74]
            case 0x08: output += [0x5C, 0x62]
            case 0x0C: output += [0x5C, 0x66]
            case 0..<0x20: output += Array(String(format: "\\u%04x", byte).utf8)
            default: output.append(byte)
            }
        }
        output.append(0x22)
    }
}

extension SearchResults {
    /// The results as `volltext search --json` prints them (keys sorted).
    public func jsonData() -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        func key(_ name: String) { JSONText.appendString(name, to: &out); out.append(UInt8(ascii: ":")) }
        func comma() { out.append(UInt8(ascii: ",")) }
        func strings(_ values: [String]) {
            out.append(UInt8(ascii: "["))
            for (n, value) in values.enumerated() { if n > 0 { comma() }; JSONText.appendString(value, to: &out) }
            out.append(UInt8(ascii: "]"))
        }
        func raw(_ text: String) { out += Array(text.utf8) }
        out.append(UInt8(ascii: "{"))
        key("corrected"); if let corrected { JSONText.appendString(corrected, to: &out) } else { raw("null") }; comma()
        key("facets"); raw("{"); key("tags"); raw("[")
        for (n, facet) in facets.tags.enumerated() {
            if n > 0 { comma() }
            raw("{"); key("count"); raw(String(facet.count)); comma(); key("tag"); JSONText.appendString(facet.tag, to: &out); raw("}")
        }
        raw("]}"); comma()
        key("hits"); raw("[")
        for (n, hit) in hits.enumerated() {
            if n > 0 { comma() }
            raw("{")
            key("authors"); strings(hit.authors); comma()
            key("date"); JSONText.appendString(hit.date, to: &out); comma()
            key("path"); JSONText.appendString(hit.path, to: &out); comma()
            key("score"); raw(hit.score.isFinite ? String(hit.score) : "0"); comma()
            key("snippet"); JSONText.appendString(hit.snippet, to: &out); comma()
            key("tags"); strings(hit.tags); comma()
            key("title"); JSONText.appendString(hit.title, to: &out); comma()
            key("url"); JSONText.appendString(hit.url, to: &out)
            raw("}")
        }
        raw("]"); comma()
        key("limit"); raw(String(limit)); comma()
        key("offset"); raw(String(offset)); comma()
        key("query"); JSONText.appendString(query, to: &out); comma()
        key("relaxed"); raw(relaxed ? "true" : "false"); comma()
        key("suggestion"); if let suggestion { JSONText.appendString(suggestion, to: &out) } else { raw("null") }; comma()
        key("total"); raw(String(total))
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }
}
