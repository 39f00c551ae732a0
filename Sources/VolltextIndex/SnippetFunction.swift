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
/// that was over half of a search's time. This reads the body's words once,
/// and only as far as it takes to know that no later passage can win (never
/// past the last match plus one passage); FTS5's own positions of the matches
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
        var output: [UInt8]?
        let code = snippet(api, fts, analyzer: Unmanaged<GermanAnalyzer>.fromOpaque(analyzer).takeUnretainedValue(),
                           into: &output)
        if code != SQLITE_OK {
            sqlite3_result_error_code(context, code)
        } else if let output {
            output.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) {
                    sqlite3_result_text(context, $0.baseAddress, CInt($0.count), SQLITE_TRANSIENT)
                }
            }
        } else {
            sqlite3_result_null(context)
        }
    }

    /// The current row's snippet, from its matches as FTS5 lists them (`xInst`).
    private static func snippet(_ api: UnsafePointer<Fts5ExtensionApi>, _ fts: OpaquePointer, analyzer: GermanAnalyzer,
                                into output: inout [UInt8]?) -> CInt {
        var textPointer: UnsafePointer<CChar>?
        var textLength: CInt = 0
        var words: CInt = 0
        var count: CInt = 0
        var code = api.pointee.xColumnText(fts, column, &textPointer, &textLength)
        if code == SQLITE_OK { code = api.pointee.xColumnSize(fts, column, &words) }
        if code == SQLITE_OK { code = api.pointee.xInstCount(fts, &count) }
        guard code == SQLITE_OK else { return code }
        guard let textPointer else { return SQLITE_OK }  // no text: NULL, as snippet() gives
        let phraseCount = Int(api.pointee.xPhraseCount(fts))
        var passage = Passage(phraseSizes: (0..<phraseCount).map { Int(api.pointee.xPhraseSize(fts, CInt($0))) })
        for index in 0..<count {
            var phrase: CInt = 0, column: CInt = 0, position: CInt = 0
            code = api.pointee.xInst(fts, index, &phrase, &column, &position)
            guard code == SQLITE_OK else { return code }
            guard column == Self.column else { continue }
            passage.matches.append((Int(phrase), Int(position)))
        }
        let text = UnsafeBufferPointer(start: UnsafeRawPointer(textPointer).assumingMemoryBound(to: UInt8.self),
                                       count: Int(textLength))
        guard let marked = passage.marked(text, documentWords: Int(words), analyzer: analyzer) else {
            return SQLITE_CORRUPT | (1 << 8)  // SQLITE_CORRUPT_VTAB, as snippet() answers
        }
        output = marked
        return SQLITE_OK
    }

    /// A body's best passage, chosen and marked by FTS5's rule (see above),
    /// given the body's matches however they were found: by `volltext_snippet`
    /// from FTS5, or by ``BM25Ranking`` while it scored the row.
    struct Passage {
        /// Words per phrase of the query, by phrase number.
        let phraseSizes: [Int]
        /// The body's matches: (phrase, first word position).
        var matches: [(phrase: Int, position: Int)] = []

        init(phraseSizes: [Int], matches: [(phrase: Int, position: Int)] = []) {
            (self.phraseSizes, self.matches) = (phraseSizes, matches)
        }

        /// The passage, matches between U+E000 and U+E001; nil if a match lies
        /// outside the body's `documentWords` words or names no phrase (a damaged index).
        mutating func marked(_ text: UnsafeBufferPointer<UInt8>, documentWords: Int, analyzer: GermanAnalyzer) -> [UInt8]? {
            var ranges = WordRanges()
            // Never more words than the body has, nor past the last match and one passage.
            ranges.reserveCapacity(words: min(documentWords, (matches.map(\.position).max() ?? 0) + SnippetFunction.passageWords) + 1)
            return marked(text, documentWords: documentWords, analyzer: analyzer, ranges: &ranges)
        }

        /// The same, given the ranges of the body's first words as far as they
        /// are known (from ``WordLayoutCache``); reads the rest it needs into `ranges`.
        mutating func marked(_ text: UnsafeBufferPointer<UInt8>, documentWords: Int, analyzer: GermanAnalyzer,
                             ranges: inout WordRanges) -> [UInt8]? {
            guard matches.allSatisfy({ $0.position >= 0 && $0.position <= documentWords && phraseSizes.indices.contains($0.phrase) })
            else { return nil }
            // FTS5 lists matches by position (equal positions by phrase), which the
            // choice below and the marking rely on; a damaged index might not.
            // The sort is stable: a list in order stays as it is.
            matches.sort { $0.position < $1.position }
            let start = bestStartReading(text, documentWords: documentWords, analyzer: analyzer, into: &ranges)
            return marked(text, ranges: ranges, from: start, documentWords: documentWords)
        }

        /// Hands `more` each word position and its first byte, in order, while it
        /// answers true: first the positions `ranges` already holds, then those
        /// the analyzer reads, which are added to `ranges`.
        private static func readWords(_ text: UnsafeBufferPointer<UInt8>, analyzer: GermanAnalyzer,
                                      into ranges: inout WordRanges, while more: (Int, Int) -> Bool) {
            let known = ranges.count
            for position in 0..<known where !more(position, ranges[position].start) { return }
            guard !ranges.isComplete else { return }
            struct Enough: Error {}
            var position = 0
            let readToTheEnd: Void? = try? analyzer.wordRanges(utf8: text) { start, end in
                defer { position += 1 }
                guard position >= known else { return }  // handed out above
                ranges.append(start: start, end: end)
                if !more(position, start) { throw Enough() }
            }
            if readToTheEnd != nil { ranges.isComplete = true }
        }

        /// Whether the word at `position`, starting at byte `start`, starts a
        /// sentence: the first word, and each word after whitespace that follows a `.` or `:`.
        private static func startsSentence(_ text: UnsafeBufferPointer<UInt8>, at start: Int, position: Int) -> Bool {
            if position == 0 { return true }
            var index = start - 1
            while index >= 0, text[index] == 0x20 || text[index] == 0x09 || text[index] == 0x0A || text[index] == 0x0D { index -= 1 }
            return index != start - 1 && index >= 0 && (text[index] == UInt8(ascii: ".") || text[index] == UInt8(ascii: ":"))
        }

        /// The first word of the best passage by FTS5's rule (see above), chosen
        /// while reading the words: each match's passages are scored when the
        /// reading reaches it, in FTS5's order, and once no later passage can
        /// score above the best so far (a later one wins only with a higher
        /// score), the reading goes on only through the best passage. For a
        /// common word in a long post that is often far before its last match.
        /// Needs the matches in position order.
        private func bestStartReading(_ text: UnsafeBufferPointer<UInt8>, documentWords: Int, analyzer: GermanAnalyzer,
                                      into ranges: inout WordRanges) -> Int {
            var choice = PassageChoice(row: self, documentWords: documentWords)
            // Never further than any passage can reach: the last match and one passage.
            let lastWord = (matches.last?.position ?? 0) + SnippetFunction.passageWords - 1
            Self.readWords(text, analyzer: analyzer, into: &ranges) { position, start in
                choice.read(position, startsSentence: choice.deciding && Self.startsSentence(text, at: start, position: position))
                return position < lastWord && choice.needsWord(after: position)
            }
            return choice.finished()
        }

        /// The state of ``bestStartReading``: a struct changed in place, so that
        /// the per-word calls need no exclusivity checks at run time.
        private struct PassageChoice {
            let row: Passage
            let documentWords: Int
            let withSentences: Bool
            /// The score of the passage from each match, and where its centred passage starts.
            let fromMatch: [(score: Int, centred: Int)]
            /// The best score of a passage from match `i` or a later one: no passage
            /// starting at or after match `i` scores more.
            let bestFrom: [Int]
            var bestScore = 0, best = 0
            var sentenceStart = 0
            /// Sentences are proposed only once a word has been read.
            var readAny = false
            /// The next match to score.
            var next = 0
            var deciding: Bool

            init(row: Passage, documentWords: Int) {
                self.row = row
                self.documentWords = documentWords
                withSentences = documentWords > SnippetFunction.passageWords
                fromMatch = row.matches.map { row.score(from: $0.position, words: documentWords) }
                var bestFrom = fromMatch.map(\.score)
                for index in bestFrom.indices.dropLast().reversed() { bestFrom[index] = max(bestFrom[index], bestFrom[index + 1]) }
                self.bestFrom = bestFrom
                deciding = !row.matches.isEmpty
            }

            mutating func read(_ position: Int, startsSentence: Bool) {
                readAny = true
                guard deciding else { return }
                if withSentences, startsSentence { sentenceStart = position }
                if row.matches[next].position <= position { deciding = scoreMatches(through: position) }
            }

            func needsWord(after position: Int) -> Bool {
                deciding || position < best + SnippetFunction.passageWords - 1
            }

            /// The first word of the best passage, once every word needed was read.
            mutating func finished() -> Int {
                if deciding { _ = scoreMatches(through: .max) }  // matches beyond the words read
                return best
            }

            /// Scores the matches at or before `position`: each proposes its centred
            /// passage, then its sentence's; false once no later match's passages can win.
            private mutating func scoreMatches(through position: Int) -> Bool {
                let matches = row.matches
                while next < matches.count, matches[next].position <= position {
                    if fromMatch[next].score > bestScore { (bestScore, best) = fromMatch[next] }
                    if withSentences, readAny, sentenceStart < matches[next].position {
                        let sentenceScore = row.score(from: sentenceStart, words: documentWords).score + (sentenceStart == 0 ? 120 : 100)
                        if sentenceScore > bestScore { (bestScore, best) = (sentenceScore, sentenceStart) }
                    }
                    next += 1
                }
                guard next < matches.count else { return false }
                // A later match's own passage scores at most bestFrom[next]. Its
                // sentence starts at or after this one, and a passage from there
                // scores at most what the one from this start or from a match after it does.
                var bound = bestFrom[next]
                if withSentences {
                    let firstAfter = matches[..<next].lastIndex { $0.position < sentenceStart }.map { $0 + 1 } ?? 0
                    bound = max(bound, max(row.score(from: sentenceStart, words: documentWords).score, bestFrom[firstAfter])
                                + (sentenceStart == 0 ? 120 : 100))
                }
                return bound > bestScore
            }
        }

        /// The score of the passage from word `start`, and where a passage
        /// centred on its matches would start.
        fileprivate func score(from start: Int, words: Int) -> (score: Int, centred: Int) {
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
        private func marked(_ text: UnsafeBufferPointer<UInt8>, ranges: WordRanges, from start: Int,
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
            for position in start..<max(start, min(end + 1, ranges.count)) {
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
