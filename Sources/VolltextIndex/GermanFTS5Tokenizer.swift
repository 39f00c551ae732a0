import GRDB
import GRDBSQLite
import VolltextAnalysis

/// Volltext's ``GermanAnalyzer`` as an FTS5 tokenizer named `volltext_german`,
/// so that SQLite tokenizes posts, and the words of MATCH queries, exactly as
/// the analyzer does.
///
/// Rules this implementation keeps:
/// - It implements the raw `tokenize(…pText:nText:…)` and hands FTS5 the
///   analyzer's term bytes directly: no `String` per token (GRDB's
///   `FTS5WrapperTokenizer` makes one, which was 3–4× slower here).
/// - `iStart`/`iEnd` are byte offsets of the *original* word in `pText`, so
///   `snippet()` and `highlight()` mark `Bürger*innen`, not a shifted range.
/// - A hyphenated compound's joined form is reported with
///   `FTS5_TOKEN_COLOCATED`, at the position of its first part.
/// - Documents also get each word's ``PrefixForm``, colocated. A prefix query
///   (`FTS5_TOKENIZE_PREFIX`) asks for its last word as the folded word *and*
///   as a prefix form, so `Bürgerbeteilig*` matches `burgerbeteil` stems and
///   `^burgerbeteiligung…` alike, and nothing that merely shares a stem.
/// - A document text the writer offers already analysed (``TokenReplay``)
///   gets those tokens, which are the analyzer's for it.
/// - `pText` may lack a terminating NUL; only `nText` bytes are read.
/// - No logging here: C callbacks cannot see the task-local logger.
///
/// Register it on every connection with ``SearchIndex``'s configuration.
final class GermanFTS5Tokenizer: FTS5CustomTokenizer {
    static let name = "volltext_german"

    /// FTS5 creates one tokenizer per table and connection and calls it from
    /// that connection only, so the analyzer's scratch buffers are never shared.
    private let analyzer = GermanAnalyzer()

    init(db: Database, arguments: [String]) throws {}

    /// `"Open Data Port"*`: stems for every word but the last, which FTS5 matches
    /// as a prefix; that one is asked for as its folded form and, colocated,
    /// its prefix form. Query strings are short, so copying terms here is fine.
    private func tokenizePrefixQuery(
        _ text: UnsafeBufferPointer<UInt8>,
        emit: (UnsafeBufferPointer<UInt8>, Bool, Int, Int) throws -> Void
    ) throws {
        typealias Word = (bytes: [UInt8], start: Int, end: Int, position: Int)
        // Inside a prefix phrase the parts of a compound carry the match, not its whole.
        var stems: [Word] = []
        analyzer.analyze(utf8: text) { term in
            if term.kind != .compound { stems.append((term.withUTF8(Array.init), term.start, term.end, term.position)) }
        }
        var last: Word?
        analyzer.analyze(utf8: text, form: .folded) { term in
            if term.kind != .compound { last = (term.withUTF8(Array.init), term.start, term.end, term.position) }
        }
        guard let last else { return }
        for term in stems where term.position < last.position {
            try term.bytes.withUnsafeBufferPointer { try emit($0, false, term.start, term.end) }
        }
        try last.bytes.withUnsafeBufferPointer { try emit($0, false, last.start, last.end) }
        try ([PrefixForm.marker] + last.bytes).withUnsafeBufferPointer { try emit($0, true, last.start, last.end) }
    }

    /// Carries a non-OK code from FTS5's callback out of the analyzer's loop.
    private struct CallbackFailed: Error { let code: CInt }

    func tokenize(
        context: UnsafeMutableRawPointer?,
        tokenization: FTS5Tokenization,
        pText: UnsafePointer<CChar>?,
        nText: CInt,
        tokenCallback: @escaping FTS5TokenCallback
    ) -> CInt {
        guard let pText, nText > 0 else { return SQLITE_OK }
        let text = UnsafeBufferPointer(start: UnsafeRawPointer(pText).assumingMemoryBound(to: UInt8.self), count: Int(nText))
        func emit(_ bytes: UnsafeBufferPointer<UInt8>, colocated: Bool, start: Int, end: Int) throws {
            let code = bytes.withMemoryRebound(to: CChar.self) {
                tokenCallback(context, colocated ? FTS5_TOKEN_COLOCATED : 0, $0.baseAddress, CInt($0.count), CInt(start), CInt(end))
            }
            if code != SQLITE_OK { throw CallbackFailed(code: code) }
        }
        do {
            if tokenization.contains(.query) {
                guard tokenization.contains(.prefix) else {
                    // A raw term (SearchQuery.rawTermMarker + an indexed term): as it is.
                    if text.count > 3, text[0] == 0xEE, text[1] == 0x80, text[2] == 0x90 {
                        try emit(UnsafeBufferPointer(rebasing: text[3...]), colocated: false, start: 0, end: text.count)
                        return SQLITE_OK
                    }
                    // Plain query words: stems (and compound wholes), as in documents.
                    try analyzer.analyze(utf8: text) { term in
                        try term.withUTF8 { try emit($0, colocated: term.isColocated, start: term.start, end: term.end) }
                    }
                    return SQLITE_OK
                }
                try tokenizePrefixQuery(text) { try emit($0, colocated: $1, start: $2, end: $3) }
            } else if tokenization.contains(.aux) {
                // snippet() and highlight() take matches from the index and only need
                // each position's byte range here: no stems, no colocated tokens.
                let placeholder: StaticString = "_"
                let bytes = UnsafeBufferPointer(start: placeholder.utf8Start, count: placeholder.utf8CodeUnitCount)
                try analyzer.wordRanges(utf8: text) { start, end in
                    try emit(bytes, colocated: false, start: start, end: end)
                }
            } else if let column = TokenReplay.column(for: text) {
                // Analysed on a reading thread while the writer wrote the posts before.
                try column.replay { try emit($0, colocated: $1, start: $2, end: $3) }
            } else {
                try analyzer.analyze(utf8: text, prefixForms: true) { term in
                    try term.withUTF8 { try emit($0, colocated: term.isColocated, start: term.start, end: term.end) }
                }
            }
        } catch let failure as CallbackFailed {
            return failure.code
        } catch {
            return SQLITE_ERROR
        }
        return SQLITE_OK
    }
}
