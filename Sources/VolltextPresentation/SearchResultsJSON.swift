import Foundation
import VolltextIndex

/// The wire JSON of a search, shared by `GET /api/search` and `volltext search --json`:
/// `{"corrected", "facets": {"tags": [{"count", "tag"}]}, "hits": [{"authors", "date",
/// "path", "score", "snippet", "tags", "title", "url"}], "limit", "offset", "query",
/// "relaxed", "suggestion", "total"}`, keys sorted, `null` for no suggestion.
///
/// Written by hand rather than by `JSONEncoder`, which takes tens of microseconds
/// per call on Linux (it showed at thousands of searches a second); the bytes are
/// exactly what ``WireJSON/encoder`` would write.
public enum SearchResultsJSON {
    public static func data(_ results: SearchResults) -> Data {
        var out = JSONWriter()
        out.raw("{")
        out.key("corrected"); out.optionalString(results.corrected); out.comma()
        out.key("facets"); out.raw("{"); out.key("tags"); out.raw("[")
        for (n, facet) in results.facets.tags.enumerated() {
            if n > 0 { out.comma() }
            out.raw("{")
            out.key("count"); out.raw(String(facet.count)); out.comma()
            out.key("tag"); out.string(facet.tag)
            out.raw("}")
        }
        out.raw("]}"); out.comma()
        out.key("hits"); out.raw("[")
        for (n, hit) in results.hits.enumerated() {
            if n > 0 { out.comma() }
            out.raw("{")
            out.key("authors"); out.strings(hit.authors); out.comma()
            out.key("date"); out.string(hit.date); out.comma()
            out.key("path"); out.string(hit.path); out.comma()
            out.key("score"); out.raw(hit.score.isFinite ? String(hit.score) : "0"); out.comma()
            out.key("snippet"); out.string(SnippetHTML.html(hit.snippet)); out.comma()
            out.key("tags"); out.strings(hit.tags); out.comma()
            out.key("title"); out.string(hit.title); out.comma()
            out.key("url"); out.string(hit.url)
            out.raw("}")
        }
        out.raw("]"); out.comma()
        out.key("limit"); out.raw(String(results.limit)); out.comma()
        out.key("offset"); out.raw(String(results.offset)); out.comma()
        out.key("query"); out.string(results.query); out.comma()
        out.key("relaxed"); out.raw(results.relaxed ? "true" : "false"); out.comma()
        out.key("suggestion"); out.optionalString(results.suggestion); out.comma()
        out.key("total"); out.raw(String(results.total))
        out.raw("}")
        return Data(out.bytes)
    }
}

/// JSON as every Volltext interface writes it: keys sorted, slashes unescaped.
public enum WireJSON {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func string(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Appends JSON to a byte buffer, escaping strings as `JSONEncoder` does.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(4096) }

    mutating func raw(_ text: String) { bytes += text.utf8 }
    mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func strings(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (n, value) in values.enumerated() {
            if n > 0 { comma() }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    /// Copies the runs between characters that need escaping whole: snippets
    /// and titles are mostly such runs, and byte-by-byte appends were 2% of a
    /// server's search.
    mutating func string(_ string: String) {
        bytes.append(0x22)
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte == 0x22 || byte == 0x5C || byte < 0x20 {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                escape(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(0x22)
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case 0x22: bytes += [0x5C, 0x22]
        case 0x5C: bytes += [0x5C, 0x5C]
        case 0x0A: bytes += [0x5C, 0x6E]
        case 0x0D: bytes += [0x5C, 0x72]
        case 0x09: bytes += [0x5C, 0x74]
        case 0x08: bytes += [0x5C, 0x62]
        case 0x0C: bytes += [0x5C, 0x66]
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes += [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
        }
    }
}
