import GRDB
import GRDBSQLite
import VolltextAnalysis

/// `volltext_snippet(post_text)`: the passage of a post's body around its
/// matches, with U+E000 before and U+E001 after each match and `…` where text
/// is left out. It picks the same passage and marks the same words as FTS5's
/// `snippet(post_text, 3, char(57344), char(57345), '…', 24)` (a test checks
/// that on the real posts), but reads much less of the body.
///
/// Why: `snippet()` tokenizes the whole body twice, once to find where
/// sentences start and once to mark the passage, and on a site of long posts
/// that was over half of a search's time. The passage can only start at or
/// before the last match, so this reads the body's words only up to the last
/// match plus one passage, once, and FTS5's own positions of the matches
/// (`xInst`) do the rest.
///
/// How the passage is chosen (FTS5's rule): every match proposes the passage of
/// 24 words centred on the matches it starts, and the sentence it is in proposes
/// one starting at that sentence; a passage scores 1000 for each query phrase
/// in it and 1 for each repeat, a sentence's start 100 more (120 at the top of
/// the post); the first best wins.
enum SnippetFunction {
    static let name = "volltext_snippet"
    /// The body, in the FTS5 table's column order.
    static let column: CInt = 3
    static let passageWords = 24

    /// Makes `volltext_snippet` known to a connection, with an analyzer of its
    /// own: FTS5 calls it on the connection's thread, one row at a time.
    static func register(_ db: Database) {
        let api = UnsafeMutablePointer(mutating: FTS5.api(db))
        let analyzer = Unmanaged.passRetained(GermanAnalyzer(forQueries: true)).toOpaque()
        _ = name.withCString { name in
            api.pointee.xCreateFunction(api, name, analyzer, snippetRow) { analyzer in
                if let analyzer { Unmanaged<GermanAnalyzer>.fromOpaque(analyzer).release() }
            }
        }
    }

    private static let snippetRow: fts5_extension_function = { api, fts, context, _, _ in
        guard let api, let fts, let analyzer = api.pointee.xUserData(fts) else { return }
        var row = Row(api: api, fts: fts)
        let code = row.snippet(analyzer: Unmanaged<GermanAnalyzer>.fromOpaque(analyzer).takeUnretainedValue())
        if code != SQLITE_OK {
            sqlite3_result_error_code(context, code)
        } else if let output = row.output {
            output.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) {
                    sqlite3_result_text(context, $0.baseAddress, CInt($0.count), SQLITE_TRANSIENT)
                }
            }
        } else {
            sqlite3_result_null(context)
        }
    }

    /// One row's snippet.
    private struct Row {
        let api: UnsafePointer<Fts5ExtensionApi>
        let fts: OpaquePointer
        /// The body's matches: (phrase, first word position), in FTS5's order.
        var matches: [(phrase: Int, position: Int)] = []
        var phraseSizes: [Int] = []
        var output: [UInt8]?

        init(api: UnsafePointer<Fts5ExtensionApi>, fts: OpaquePointer) {
            (self.api, self.fts) = (api, fts)
        }

        mutating func snippet(analyzer: GermanAnalyzer) -> CInt {
            var textPointer: UnsafePointer<CChar>?
            var textLength: CInt = 0
            var words: CInt = 0
            var count: CInt = 0
            var code = api.pointee.xColumnText(fts, SnippetFunction.column, &textPointer, &textLength)
            if code == SQLITE_OK { code = api.pointee.xColumnSize(fts, SnippetFunction.column, &words) }
            if code == SQLITE_OK { code = api.pointee.xInstCount(fts, &count) }
            guard code == SQLITE_OK else { return code }
            guard let textPointer else { return SQLITE_OK }  // no text: NULL, as snippet() gives
            let phraseCount = Int(api.pointee.xPhraseCount(fts))
            phraseSizes = (0..<phraseCount).map { Int(api.pointee.xPhraseSize(fts, CInt($0))) }
            for index in 0..<count {
                var phrase: CInt = 0, column: CInt = 0, position: CInt = 0
                code = api.pointee.xInst(fts, index, &phrase, &column, &position)
                guard code == SQLITE_OK else { return code }
                guard column == SnippetFunction.column else { continue }
                guard position <= words, phrase >= 0, Int(phrase) < phraseCount else { return SQLITE_CORRUPT | (1 << 8) }  // SQLITE_CORRUPT_VTAB, as snippet() answers
                matches.append((Int(phrase), Int(position)))
            }
            let text = UnsafeBufferPointer(start: UnsafeRawPointer(textPointer).assumingMemoryBound(to: UInt8.self),
                                           count: Int(textLength))
            let documentWords = Int(words)
            // Word byte ranges, as far as any passage can reach.
            let lastWord = (matches.map(\.position).max() ?? 0) + SnippetFunction.passageWords - 1
            var ranges: [(start: Int, end: Int)] = []
            ranges.reserveCapacity(min(lastWord + 1, 4_096))
            struct Enough: Error {}
            try? analyzer.wordRanges(utf8: text) { start, end in
                ranges.append((start, end))
                if ranges.count > lastWord { throw Enough() }
            }
            let start = bestStart(words: documentWords, sentenceStarts: sentenceStarts(text, ranges))
            output = marked(text, ranges: ranges, from: start, documentWords: documentWords)
            return SQLITE_OK
        }

        /// Word positions that start a sentence: the first word, and each word
        /// after whitespace that follows a `.` or `:`.
        private func sentenceStarts(_ text: UnsafeBufferPointer<UInt8>, _ ranges: [(start: Int, end: Int)]) -> [Int] {
            var starts: [Int] = []
            for (position, range) in ranges.enumerated() {
                if position == 0 {
                    starts.append(0)
                    continue
                }
                var index = range.start - 1
                while index >= 0, [0x20, 0x09, 0x0A, 0x0D].contains(text[index]) { index -= 1 }
                if index != range.start - 1, index >= 0, text[index] == UInt8(ascii: ".") || text[index] == UInt8(ascii: ":") {
                    starts.append(position)
                }
            }
            return starts
        }

        /// The score of the passage from word `start`, and where a passage
        /// centred on its matches would start.
        private func score(from start: Int, words: Int) -> (score: Int, centred: Int) {
            let length = SnippetFunction.passageWords
            var seen = [Bool](repeating: false, count: phraseSizes.count)
            var score = 0
            var first = -1, last = 0
            for match in matches where match.position >= start && match.position < start + length {
                score += seen[match.phrase] ? 1 : 1000
                seen[match.phrase] = true
                if first < 0 { first = match.position }
                last = match.position + phraseSizes[match.phrase]
            }
            var centred = first - (length - (last - first)) / 2
            if centred + length > words { centred = words - length }
            return (score, max(centred, 0))
        }

        /// The first word of the best passage (0 if the body has no match).
        private func bestStart(words: Int, sentenceStarts: [Int]) -> Int {
            var (bestScore, best) = (0, 0)
            for match in matches {
                let (matchScore, centred) = score(from: match.position, words: words)
                if matchScore > bestScore { (bestScore, best) = (matchScore, centred) }
                guard !sentenceStarts.isEmpty, words > SnippetFunction.passageWords else { continue }
                var sentence = 0
                while sentence < sentenceStarts.count - 1, sentenceStarts[sentence + 1] <= match.position { sentence += 1 }
                let sentenceStart = sentenceStarts[sentence]
                if sentenceStart < match.position {
                    let bonus = sentenceStart == 0 ? 120 : 100
                    let sentenceScore = score(from: sentenceStart, words: words).score + bonus
                    if sentenceScore > bestScore { (bestScore, best) = (sentenceScore, sentenceStart) }
                }
            }
            return best
        }

        /// Matches that overlap or touch as one, in word positions.
        private func coalescedMatches() -> [(first: Int, last: Int)] {
            var spans: [(first: Int, last: Int)] = []
            for match in matches {
                let last = match.position + phraseSizes[match.phrase] - 1
                if let previous = spans.last, match.position <= previous.last {
                    spans[spans.count - 1].last = max(previous.last, last)
                } else {
                    spans.append((match.position, last))
                }
            }
            return spans
        }

        /// The passage of `passageWords` words from `start`, matches marked.
        private func marked(_ text: UnsafeBufferPointer<UInt8>, ranges: [(start: Int, end: Int)], from start: Int,
                            documentWords: Int) -> [UInt8] {
            let open: [UInt8] = [0xEE, 0x80, 0x80], close: [UInt8] = [0xEE, 0x80, 0x81], ellipsis: [UInt8] = [0xE2, 0x80, 0xA6]
            let end = start + SnippetFunction.passageWords - 1
            var output: [UInt8] = []
            if start > 0 { output += ellipsis }
            var spans = coalescedMatches().drop { $0.first < start }.makeIterator()
            var span = spans.next()
            var offset = 0
            func copy(to byte: Int) {
                if byte > offset { output += text[offset..<byte] }
                offset = max(offset, byte)
            }
            for position in ranges.indices where position >= start && position <= end {
                let range = ranges[position]
                if start > 0 && position == start { offset = range.start }
                if let current = span, position == current.first {
                    copy(to: range.start)
                    output += open
                }
                if let current = span, position == current.last {
                    copy(to: range.end)
                    output += close
                    span = spans.next()
                }
                if position == end {
                    copy(to: range.end)
                    if let current = span, position >= current.first && position < current.last { output += close }
                }
            }
            if end >= documentWords - 1 { copy(to: text.count) } else { output += ellipsis }
            return output
        }
    }
}
