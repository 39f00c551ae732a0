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
        do {
            try analyzer.analyze(utf8: text) { term in
                let flags = term.isColocated ? FTS5_TOKEN_COLOCATED : 0
                let code = term.bytes.withMemoryRebound(to: CChar.self) { bytes in
                    tokenCallback(context, flags, bytes.baseAddress, CInt(bytes.count), CInt(term.start), CInt(term.end))
                }
                if code != SQLITE_OK { throw CallbackFailed(code: code) }
            }
        } catch let failure as CallbackFailed {
            return failure.code
        } catch {
            return SQLITE_ERROR
        }
        return SQLITE_OK
    }
}
