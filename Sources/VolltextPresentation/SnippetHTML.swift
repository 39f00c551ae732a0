import VolltextIndex

/// A snippet as the search page and the JSON API show it: HTML-escaped text
/// with each match in `<mark>…</mark>`, so that a page may insert it as HTML.
public enum SnippetHTML {
    public static func html(_ snippet: Snippet) -> String {
        let text = Array(snippet.text.utf8)
        var html: [UInt8] = []
        html.reserveCapacity(text.count + 13 * snippet.matches.count + 32)
        func escape(_ bytes: ArraySlice<UInt8>) {
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "&"): html += "&amp;".utf8
                case UInt8(ascii: "<"): html += "&lt;".utf8
                case UInt8(ascii: ">"): html += "&gt;".utf8
                case UInt8(ascii: "\""): html += "&quot;".utf8
                case UInt8(ascii: "'"): html += "&#39;".utf8
                default: html.append(byte)
                }
            }
        }
        var position = 0
        for match in snippet.matches where match.lowerBound >= position && match.upperBound <= text.count {
            escape(text[position..<match.lowerBound])
            html += "<mark>".utf8
            escape(text[match])
            html += "</mark>".utf8
            position = match.upperBound
        }
        escape(text[position...])
        return String(decoding: html, as: UTF8.self)
    }
}
