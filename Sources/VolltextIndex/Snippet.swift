/// A passage of a post around the words that matched, as plain text with the
/// matches located: how it is shown (HTML `<mark>`, bold on a terminal) is the
/// presenter's choice.
public struct Snippet: Sendable, Equatable {
    /// The passage; line breaks and tabs are spaces, `…` marks text left out.
    public var text: String
    /// UTF-8 byte ranges of `text` that matched, in order and not overlapping.
    public var matches: [Range<Int>]

    public init(text: String, matches: [Range<Int>] = []) {
        self.text = text
        self.matches = matches
    }

    /// The matched words as they are written in the post.
    public var matchedWords: [String] {
        let utf8 = Array(text.utf8)
        return matches.map { String(decoding: utf8[$0], as: UTF8.self) }
    }

    /// Reads FTS5's `snippet()` output, which has U+E000 before and U+E001
    /// after each match. A marker out of turn is dropped, an open match ends
    /// with the text: the ranges are always well formed.
    init(marked: String) {
        var text: [UInt8] = []
        text.reserveCapacity(marked.utf8.count)
        var matches: [Range<Int>] = []
        var openedAt: Int?
        for scalar in marked.unicodeScalars {
            switch scalar {
            case "\u{E000}": if openedAt == nil { openedAt = text.count }
            case "\u{E001}":
                if let start = openedAt { matches.append(start..<text.count) }
                openedAt = nil
            case "\n", "\r", "\t": text.append(0x20)
            default: UTF8.encode(scalar) { text.append($0) }
            }
        }
        if let start = openedAt { matches.append(start..<text.count) }
        self.init(text: String(decoding: text, as: UTF8.self), matches: matches)
    }
}
