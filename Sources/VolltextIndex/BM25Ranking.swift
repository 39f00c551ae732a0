import Foundation
import GRDB
import GRDBSQLite

/// Scores every post that matches an FTS5 expression with BM25, as FTS5's own
/// `bm25()` does (same formula, k1 = 1.2, b = 0.75, column weights, row
/// lengths in tokens), and collects them for ranking, filtering and facet
/// counts in Swift.
///
/// Why not `bm25()`: for each matching row it looks the row's length up in
/// the `%_docsize` table and builds an array of all phrase instances. On a
/// word that half of 50,000 posts contain that is 40 ms; here the length comes
/// from ``PostTable`` and the instances are counted where they are decoded,
/// which is several times faster, with the same scores.
///
/// The function is the FTS5 auxiliary function `volltext_bm25(post_text, ?)`,
/// whose argument is the query's scoring state, bound with
/// `sqlite3_bind_pointer`: SQLite hands it back to the function untouched and
/// never lets SQL forge one.
enum BM25Ranking {
    static let functionName = "volltext_bm25"
    static let pointerType: StaticString = "volltext_bm25_ranking"

    /// Makes `volltext_bm25` known to a connection: once, when it opens.
    static func register(_ db: Database) {
        let api = UnsafeMutablePointer(mutating: FTS5.api(db))
        _ = functionName.withCString { name in
            api.pointee.xCreateFunction(api, name, nil, scoreRow, nil)
        }
    }

    /// Every post that matches `match`, in rowid order, with its score (higher
    /// is better), from one pass over FTS5's doclists.
    ///
    /// - Parameters:
    ///   - weights: per column, in the FTS5 table's order.
    ///   - lengths: tokens per post id, from ``PostTable``.
    ///   - phrases: per phrase of `match`, the phrase whose document frequency
    ///     it is scored with and how much it counts (``MatchPlan``); empty: each
    ///     phrase its own, counting fully, as `bm25()` scores.
    ///   - limit: also keep each row's matches in the body (column
    ///     `SnippetFunction.column`) for its snippet, this many at most (0: none); see ``BodyMatches``.
    static func scores(match: String, weights: [Double], lengths: [UInt32], phrases: [MatchPlan.Phrase] = [],
                       keepingBodyMatchesUpTo limit: Int = 0,
                       db: Database) throws -> (ids: [Int64], scores: [Double], bodyMatches: BodyMatches?) {
        let sql = "SELECT \(functionName)(post_text, ?) FROM post_text WHERE post_text MATCH ?"
        // Prepared once per connection; stepped here by hand, so reset by hand, and
        // its bindings cleared: the bound pointer must not outlive this call.
        let statement = try db.cachedStatement(sql: sql).sqliteStatement
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        var result: (ids: [Int64], scores: [Double], bodyMatches: BodyMatches?) = ([], [], nil)
        let code = lengths.withUnsafeBufferPointer { lengths in
            weights.withUnsafeBufferPointer { weights in
                // FTS5 calls back into this, through a pointer: a plain struct on the
                // stack, so the per-row work has no reference counting or exclusivity checks.
                var scoring = Scoring(weights: weights, lengths: lengths, phrases: phrases, bodyMatchLimit: limit)
                let code = withUnsafeMutablePointer(to: &scoring) { pointer in
                    _ = pointerType.withUTF8Buffer { type in
                        type.withMemoryRebound(to: CChar.self) {
                            sqlite3_bind_pointer(statement, 1, pointer, $0.baseAddress, nil)
                        }
                    }
                    _ = sqlite3_bind_text(statement, 2, match, -1, SQLITE_TRANSIENT)
                    var step = sqlite3_step(statement)
                    while step == SQLITE_ROW { step = sqlite3_step(statement) }
                    return step == SQLITE_DONE ? SQLITE_OK : step
                }
                if code == SQLITE_OK { scoring.finish() }
                result = (scoring.ids, scoring.scores, limit > 0 ? scoring.bodyMatches : nil)
                return code
            }
        }
        if code != SQLITE_OK {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        return result
    }

    /// The C entry point FTS5 calls for every matching row.
    private static let scoreRow: fts5_extension_function = { api, fts, context, count, values in
        guard let api, let fts, count == 1, let values,
              let pointer = pointerType.withUTF8Buffer({ type in
                  type.withMemoryRebound(to: CChar.self) { sqlite3_value_pointer(values[0], $0.baseAddress) }
              })
        else {
            sqlite3_result_error(context, "\(functionName) takes the ranking that Volltext binds", -1)
            return
        }
        let code = pointer.assumingMemoryBound(to: Scoring.self).pointee.score(api, fts)
        if code != SQLITE_OK { sqlite3_result_error_code(context, code) }
    }
}

/// Each scored row's matches in the body, kept while scoring so that the
/// page's snippets need no second full-text query: FTS5 hands the scorer every
/// match of every row anyway, and a second query would set the whole
/// expression up again and walk the doclists again.
///
/// At most ``limit`` matches are kept per query, so a broad query on a large
/// site costs no more memory than that; rows past it have none kept
/// (``matches(ofRow:)`` is nil) and their snippets come from a second query.
struct BodyMatches {
    /// Matches kept per query at most (256 KB): all of them for any query on a
    /// site of a few thousand posts; on a large site a broad query stops
    /// keeping them early, which costs it less than keeping them all would.
    static let limit = 1 << 15

    /// Words per phrase of the query, by phrase number.
    fileprivate(set) var phraseSizes: [Int] = []
    /// All rows' matches back to back: (phrase, word position).
    fileprivate(set) var matches: [(phrase: Int32, position: Int32)] = []
    /// Row `i`'s matches are `matches[rows[i]]`, for the rows before the limit was reached.
    var rows: [Range<Int32>] = []

    /// Row `i`'s matches, or nil if none were kept. They come phrase by phrase,
    /// each phrase's in position order: sorted stably by position (as
    /// ``SnippetFunction/Passage`` does), that is FTS5's own order of them.
    func matches(ofRow row: Int) -> [(phrase: Int, position: Int)]? {
        guard row < rows.count else { return nil }
        return matches[Int(rows[row].lowerBound)..<Int(rows[row].upperBound)].map { (Int($0.phrase), Int($0.position)) }
    }
}

/// The state of one query's scoring.
private struct Scoring {
    private static let k1 = 1.2
    private static let b = 0.75

    let weights: UnsafeBufferPointer<Double>
    let lengths: UnsafeBufferPointer<UInt32>
    let phrases: [MatchPlan.Phrase]
    /// How much each phrase counts (1 unless a variant).
    private var phraseWeights: [Double] = []
    var ids: [Int64] = []
    var scores: [Double] = []
    private var idf: [Double] = []
    private var averageLength = 1.0
    private var rowCount = 0.0
    private var isPrepared = false
    /// With a single phrase, every match contains it: its document frequency is
    /// the number of matches, known at the end, so scoring skips a pass over
    /// the phrase's doclist and multiplies by the IDF afterwards.
    private var idfIsPending = false

    /// Body matches to keep at most (0: the caller wants none), and whether they are still kept.
    private let bodyMatchLimit: Int
    private var keepsBodyMatches: Bool
    var bodyMatches = BodyMatches()

    init(weights: UnsafeBufferPointer<Double>, lengths: UnsafeBufferPointer<UInt32>, phrases: [MatchPlan.Phrase],
         bodyMatchLimit: Int) {
        self.weights = weights
        self.lengths = lengths
        self.phrases = phrases
        self.bodyMatchLimit = bodyMatchLimit
        keepsBodyMatches = bodyMatchLimit > 0
    }

    mutating func finish() {
        guard idfIsPending else { return }
        let idf = Self.idf(rows: rowCount, hits: Double(ids.count))
        for index in scores.indices { scores[index] *= idf }
    }

    /// Document frequencies and the average length, as `bm25()` takes them:
    /// from FTS5 itself, once per query.
    private mutating func prepare(_ api: UnsafePointer<Fts5ExtensionApi>, _ fts: OpaquePointer) -> CInt {
        var rows: Int64 = 0, tokens: Int64 = 0
        var code = api.pointee.xRowCount(fts, &rows)
        if code == SQLITE_OK { code = api.pointee.xColumnTotalSize(fts, -1, &tokens) }
        guard code == SQLITE_OK else { return code }
        averageLength = rows > 0 && tokens > 0 ? Double(tokens) / Double(rows) : 1
        rowCount = Double(rows)
        isPrepared = true
        let phraseCount = api.pointee.xPhraseCount(fts)
        if keepsBodyMatches { bodyMatches.phraseSizes = (0..<phraseCount).map { Int(api.pointee.xPhraseSize(fts, $0)) } }
        // A plan that does not fit the expression (it always should) is ignored, not trusted.
        let plan = phrases.count == Int(phraseCount) ? phrases : []
        phraseWeights = plan.isEmpty ? Array(repeating: 1, count: Int(phraseCount)) : plan.map(\.weight)
        if phraseCount == 1 {
            idf = [1]
            idfIsPending = true
            return SQLITE_OK
        }
        for phrase in 0..<Int(phraseCount) {
            // A variant (a compound, a verb form) counts as an occurrence of its word:
            // with the word's IDF, so that a rare compound does not outweigh the word itself.
            if !plan.isEmpty, plan[phrase].scoredAs < phrase, plan[phrase].scoredAs >= 0 {
                idf.append(idf[plan[phrase].scoredAs])
                continue
            }
            var hits: Int64 = 0
            code = api.pointee.xQueryPhrase(fts, CInt(phrase), &hits) { _, _, counter in
                counter?.assumingMemoryBound(to: Int64.self).pointee += 1
                return SQLITE_OK
            }
            guard code == SQLITE_OK else { return code }
            idf.append(Self.idf(rows: rowCount, hits: Double(hits)))
        }
        return SQLITE_OK
    }

    /// As bm25() computes it: a word in more than half the posts still counts a little.
    private static func idf(rows: Double, hits: Double) -> Double {
        let value = log((rows - hits + 0.5) / (hits + 0.5))
        return value > 0 ? value : 1e-6
    }

    mutating func score(_ api: UnsafePointer<Fts5ExtensionApi>, _ fts: OpaquePointer) -> CInt {
        if !isPrepared {
            let code = prepare(api, fts)
            guard code == SQLITE_OK else { return code }
        }
        let id = api.pointee.xRowid(fts)
        var length: Double
        if id >= 0 && id < lengths.count {
            length = Double(lengths[Int(id)])
        } else {
            var tokens: CInt = 0
            let code = api.pointee.xColumnSize(fts, -1, &tokens)
            guard code == SQLITE_OK else { return code }
            length = Double(tokens)
        }
        let lengthNorm = Self.k1 * (1 - Self.b + Self.b * length / averageLength)
        var score = 0.0
        let firstKept = Int32(bodyMatches.matches.count)
        for phrase in idf.indices {
            var iterator = Fts5PhraseIter()
            var column: CInt = 0, offset: CInt = 0
            let code = api.pointee.xPhraseFirst(fts, CInt(phrase), &iterator, &column, &offset)
            guard code == SQLITE_OK else { return code }
            var frequency = 0.0
            while column >= 0 {
                frequency += Int(column) < weights.count ? weights[Int(column)] : 1
                if keepsBodyMatches && column == SnippetFunction.column { bodyMatches.matches.append((Int32(phrase), offset)) }
                api.pointee.xPhraseNext(fts, &iterator, &column, &offset)
            }
            // A variant's weight scales its whole contribution, after saturation: many
            // occurrences of a compound never add up to more than the word itself would.
            score += phraseWeights[phrase] * idf[phrase] * frequency * (Self.k1 + 1) / (frequency + lengthNorm)
        }
        ids.append(id)
        scores.append(score)
        guard keepsBodyMatches else { return SQLITE_OK }
        if bodyMatches.matches.count > bodyMatchLimit {
            // Over the limit: this row and the rest get their snippets from FTS5.
            bodyMatches.matches.removeSubrange(Int(firstKept)...)
            keepsBodyMatches = false
        } else {
            bodyMatches.rows.append(firstKept..<Int32(bodyMatches.matches.count))
        }
        return SQLITE_OK
    }
}

/// Tells SQLite to copy bound text: the Swift string does not outlive the call.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
