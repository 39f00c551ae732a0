import Foundation
import GRDB
import GRDBSQLite
import VolltextAnalysis

/// A search: the query and its filters, as the CLI and the HTTP API take them.
public struct SearchRequest: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable { case relevance, date }

    public var query: String
    /// Posts must have all of these tags (or any, with `anyTag`). Matched on
    /// folded words: "offene daten" finds "Offene Daten", "Behoerden" "Behörden".
    public var tags: [String] = []
    public var anyTag = false
    /// Posts by an author whose name contains these words ("Müller" finds "Anna Müller").
    public var author: String?
    /// `YYYY-MM-DD`, inclusive.
    public var since: String?
    public var until: String?
    public var sort: Sort = .relevance
    public var limit = 10
    public var offset = 0
    /// Posts in this language (`de`, `de-DE`: the first part counts) and posts of no known language.
    public var lang: String?

    public static let maxLimit = 100
    public static let maxOffset = 10_000
    /// At most this many `tag` filters, and this many characters (Unicode scalars) in a tag or author.
    public static let maxTags = 20
    public static let maxNameLength = 200

    public init(query: String, tags: [String] = [], anyTag: Bool = false, author: String? = nil,
                since: String? = nil, until: String? = nil, sort: Sort = .relevance, limit: Int = 10, offset: Int = 0,
                lang: String? = nil) {
        self.lang = lang
        self.query = query
        self.tags = tags
        self.anyTag = anyTag
        self.author = author
        self.since = since
        self.until = until
        self.sort = sort
        self.limit = limit
        self.offset = offset
    }

    /// Checks the parameters, naming the first bad one.
    public func validated() throws(QueryError) -> SearchRequest {
        guard (1...Self.maxLimit).contains(limit) else {
            throw .invalidParameter(name: "limit", value: String(limit), expected: "1 to \(Self.maxLimit)")
        }
        guard (0...Self.maxOffset).contains(offset) else {
            throw .invalidParameter(name: "offset", value: String(offset), expected: "0 to \(Self.maxOffset)")
        }
        guard tags.count <= Self.maxTags else {
            throw .invalidParameter(name: "tag", value: "\(tags.count) tags", expected: "\(Self.maxTags) tags at most")
        }
        for (name, value) in tags.map({ ("tag", $0) }) + [("author", author ?? "")]
        where value.unicodeScalars.count > Self.maxNameLength {
            throw .invalidParameter(name: name, value: String(value.unicodeScalars.prefix(40)) + "…",
                                    expected: "\(Self.maxNameLength) characters at most")
        }
        if let lang, lang.isEmpty || lang.count > 35 || !lang.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            throw .invalidParameter(name: "lang", value: String(lang.prefix(40)), expected: "a language code such as de or en")
        }
        for (name, value) in [("since", since), ("until", until)] {
            if let value, !Self.isDay(value) {
                throw .invalidParameter(name: name, value: value, expected: "a date as YYYY-MM-DD")
            }
        }
        return self
    }

    private static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}

/// The answer to a search, typed; `VolltextPresentation` writes it as JSON.
public struct SearchResults: Sendable, Equatable {
    public struct Hit: Sendable, Equatable {
        public var path: String
        public var url: String
        public var title: String
        public var date: String
        public var authors: [String]
        public var tags: [String]
        /// BM25 with field weights; higher is better.
        public var score: Double
        public var snippet: Snippet

        public init(path: String, url: String, title: String, date: String, authors: [String], tags: [String],
                    score: Double, snippet: Snippet) {
            (self.path, self.url, self.title, self.date) = (path, url, title, date)
            (self.authors, self.tags, self.score, self.snippet) = (authors, tags, score, snippet)
        }
    }

    public struct TagCount: Sendable, Codable, Equatable {
        public var tag: String
        public var count: Int

        public init(tag: String, count: Int) { (self.tag, self.count) = (tag, count) }
    }

    public struct Facets: Sendable, Equatable {
        public var tags: [TagCount]

        public init(tags: [TagCount]) { self.tags = tags }
    }

    public var query: String
    public var total: Int
    public var offset: Int
    public var limit: Int
    public var hits: [Hit]
    public var facets: Facets
    /// A corrected query when nothing matched and the vocabulary suggests one.
    public var suggestion: String?
    /// The query as searched when a word of it matched nothing and the
    /// closest indexed word was searched instead; nil when nothing was corrected.
    public var corrected: String?
    /// True when no post had all the words, so posts with any of them are shown,
    /// those with most of them first.
    public var relaxed = false

    public init(query: String, total: Int, offset: Int, limit: Int, hits: [Hit], facets: Facets,
                suggestion: String? = nil, corrected: String? = nil, relaxed: Bool = false) {
        (self.query, self.total, self.offset, self.limit, self.hits, self.facets) = (query, total, offset, limit, hits, facets)
        (self.suggestion, self.corrected, self.relaxed) = (suggestion, corrected, relaxed)
    }
}

/// BM25 column weights, in the FTS5 table's column order.
///
/// A word in the title says most about what a post is about, a tag nearly as
/// much; a description is a summary; code blocks are weighed low because code
/// words ("data", "function") rarely say what the post is about.
///
/// Tuned on the okfn-de relevance set (`Tests/VolltextIndexTests/Relevance`):
/// nDCG@10 is 0.844 with all weights 1, 0.866 with title 3, and a plateau of
/// 0.874–0.879 for title 5–12 with tags half of that; 8/4 sits mid-plateau.
public struct FieldWeights: Sendable, Equatable {
    public var title = 8.0, tags = 4.0, description = 2.0, body = 1.0, code = 0.2

    public init() {}

    /// In the FTS5 table's column order.
    var columns: [Double] { [title, tags, description, body, code] }
}

extension SearchIndex {
    /// Most tags a facet list shows.
    public static let facetLimit = 30

    /// Runs a search. Bad parameters and unsearchable queries throw
    /// ``QueryError``; nothing the user types can cause an SQL or FTS5 error.
    ///
    /// A search that runs longer than the index's `searchTimeLimit` is
    /// stopped and throws ``QueryError/tooExpensive(seconds:)``.
    public func search(_ request: SearchRequest, weights: FieldWeights = FieldWeights()) throws -> SearchResults {
        try search(request, weights: weights, keepingBodyMatchesUpTo: BodyMatches.limit)
    }

    /// A search that keeps at most `limit` body matches while scoring (see
    /// ``BodyMatches``); the snippets of the other rows come from a second FTS5
    /// query (`volltext_snippet`), all of them with 0. The tests compare these
    /// ways with the usual one, ``BodyMatches/limit``.
    func search(_ request: SearchRequest, weights: FieldWeights = FieldWeights(),
                keepingBodyMatchesUpTo limit: Int) throws -> SearchResults {
        let request = try request.validated()
        do {
            return try database.read { db in try search(validated: request, weights: weights, bodyMatchLimit: limit, db: db) }
        } catch {
            throw searchError(error)
        }
    }

    /// Runs a search without holding a thread while it waits for a connection
    /// (GRDB's asynchronous read): what a server's request handlers call.
    public func search(_ request: SearchRequest, weights: FieldWeights = FieldWeights()) async throws -> SearchResults {
        let request = try request.validated()
        do {
            return try await database.read { db in try self.search(validated: request, weights: weights, db: db) }
        } catch {
            throw searchError(error)
        }
    }

    /// Errors as a search reports them: the user's (``QueryError``), a stopped
    /// search (``QueryError/tooExpensive(seconds:)``), else the index's (``IndexError``).
    private func searchError(_ error: any Error) -> any Error {
        switch error {
        case let error as QueryError: error
        case let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT: QueryError.tooExpensive(seconds: searchTimeLimit.seconds)
        default: IndexError.from(error, path: path)
        }
    }

    /// A search inside one read transaction: the snapshots, the match, the page
    /// and the snippets all see the same index generation.
    private func search(validated request: SearchRequest, weights: FieldWeights, bodyMatchLimit: Int = BodyMatches.limit,
                        db: Database) throws -> SearchResults {
        let generation = try Self.generation(db)
        let key = ResultCache.Key(request)
        let cache = weights == FieldWeights() && bodyMatchLimit == BodyMatches.limit ? resultCache : nil
        if let cached = cache?.results(for: key, generation: generation) { return cached }
        // Loaded once per index generation (the server does it before serving), not
        // against this search's time: their cost is the index's size, not the query's.
        let posts = try postTable.snapshot(generation: generation, db: db)
        let vocabulary = analyzesGerman ? try vocabularyTable.snapshot(generation: generation, db: db) : nil
        let results = try withDeadline(ContinuousClock.now + searchTimeLimit, db: db) {
            try search(validated: request, weights: weights, posts: posts, vocabulary: vocabulary,
                       bodyMatchLimit: bodyMatchLimit, db: db)
        }
        cache?.store(results, for: key, generation: generation)
        return results
    }

    private func search(validated request: SearchRequest, weights: FieldWeights, posts: PostTable.Snapshot,
                        vocabulary: Vocabulary.Snapshot?, bodyMatchLimit: Int, db: Database) throws -> SearchResults {
        // A blank query with tag filters lists the tags' posts, newest first.
        let isBlank = request.query.allSatisfy(\.isWhitespace)
        var query = isBlank && !request.tags.isEmpty ? nil : try SearchQuery(parsing: request.query)
        let analyzer = GermanAnalyzer(forQueries: true)
        let tagKeys = (request.tags + (query?.tags ?? [])).filter { !$0.allSatisfy(\.isWhitespace) }
            .map { Self.foldedKey($0, analyzer: analyzer) }
        var plan: MatchPlan?
        var corrected: String?
        if let parsed = query, let vocabulary {
            (query, corrected) = try correctingTypos(in: parsed, vocabulary: vocabulary, analyzer: analyzer, db: db)
            let stemmer = SnowballGermanStemmer()
            let commonAbove = Self.commonWordPosts(of: vocabulary.postCount)
            func forms(_ folded: String, _ stem: String) -> Vocabulary.WordForms {
                vocabularyTable.wordForms(of: folded, stem: stem, in: vocabulary) {
                    Vocabulary.WordForms(
                        variants: WordVariants.variants(folded: folded, stem: stem, in: vocabulary, stemmer: stemmer,
                                                        commonAbove: commonAbove),
                        // A word already in many posts needs its parts no more than its compounds.
                        split: vocabulary.documents(stem) > commonAbove ? nil
                            : WordVariants.split(folded: folded, in: vocabulary, stemmer: stemmer))
                }
            }
            plan = query?.matchPlan(
                analyzer: analyzer,
                variants: { folded, stem in forms(folded, stem).variants },
                split: { folded, stem in forms(folded, stem).split })
        } else if let parsed = query {
            plan = parsed.matchPlan(analyzer: analyzer)  // the unicode61 reference: no variants
        }
        // `*` alone, `-`, `OR`, punctuation: nothing to search for; with tags, the tags' posts.
        guard plan != nil || !tagKeys.isEmpty else {
            return SearchResults(query: request.query, total: 0, offset: request.offset, limit: request.limit,
                                 hits: [], facets: .init(tags: []), suggestion: nil)
        }
        var results = try search(request, plan: plan, tagKeys: tagKeys, weights: weights, analyzer: analyzer,
                                 posts: posts, bodyMatchLimit: bodyMatchLimit, db: db)
        if results.total == 0, let query, query.canRelax,
           let relaxed = query.matchPlan(analyzer: analyzer, requireAll: false) {
            results = try search(request, plan: relaxed, tagKeys: tagKeys, weights: weights, analyzer: analyzer,
                                 posts: posts, bodyMatchLimit: bodyMatchLimit, db: db)
            results.relaxed = results.total > 0
        }
        results.corrected = corrected
        if results.total == 0, let query {
            results.suggestion = try suggestion(for: query, analyzer: analyzer, db: db)
        }
        return results
    }

    /// One search for an FTS5 expression (nil: every post): FTS5 finds and
    /// scores the matches in one pass; filters, the total, the tag counts and
    /// the page come from ``PostTable`` in memory; SQLite then reads the
    /// page's rows and snippets alone.
    private func search(_ request: SearchRequest, plan: MatchPlan?, tagKeys: [String], weights: FieldWeights,
                        analyzer: GermanAnalyzer, posts: PostTable.Snapshot, bodyMatchLimit: Int,
                        db: Database) throws -> SearchResults {
        let match = plan?.expression
        var results = SearchResults(query: request.query, total: 0, offset: request.offset, limit: request.limit,
                                    hits: [], facets: .init(tags: []), suggestion: nil)
        let author = request.author.map { Self.foldedKey($0, analyzer: analyzer) }
        var ids: [Int64]
        var scores: [Double]
        var bodyMatches: BodyMatches?
        if let match {
            // volltext_snippet's rule needs the German analyzer's word positions: the
            // unicode61 reference index keeps FTS5's own snippet().
            (ids, scores, bodyMatches) = try BM25Ranking.scores(
                match: match, weights: weights.columns, lengths: posts.lengths, phrases: plan?.phrases ?? [],
                keepingBodyMatchesUpTo: analyzesGerman ? bodyMatchLimit : 0, db: db)
        } else {
            ids = Array(0..<Int64(posts.idCount))  // the filter below keeps those that are posts
            scores = [Double](repeating: 0, count: ids.count)
        }

        // An author's words must all appear, whole, in one folded name ("müller" in "anna müller").
        var onlyIDs = try author.map { author -> Set<Int64> in
            // A name without a searchable word matches nobody; it never drops the filter.
            guard !author.isEmpty else { return [] }
            return try Set(Int64.fetchAll(db.cachedStatement(sql: """
                SELECT post_id FROM post_author WHERE ' ' || key || ' ' LIKE '% ' || ? || ' %' ESCAPE '\\'
                """), arguments: [Self.likeEscaped(author)]))
        }
        if let lang = request.lang {
            let primary = lang.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
            let inLanguage = try Set(Int64.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM post WHERE lang IS NULL OR lang = '' OR lower(lang) = ?1
                  OR lower(lang) LIKE ?1 || '-%' OR lower(lang) LIKE ?1 || '\\_%' ESCAPE '\\'
                """), arguments: [primary]))
            onlyIDs = onlyIDs.map { $0.intersection(inLanguage) } ?? inLanguage
        }
        let filter = PostFilter(tagKeys: tagKeys, anyTag: request.anyTag, onlyIDs: onlyIDs,
                                since: request.since, until: request.until, posts: posts)
        // Always filtered, if only for existence: arrays are indexed by these ids.
        var kept = 0
        // The rows whose body matches were kept come first: they stay a prefix.
        var bodyRows = bodyMatches?.rows ?? []
        var keptBodyRows = 0
        for index in ids.indices where filter.admits(ids[index]) {
            (ids[kept], scores[kept]) = (ids[index], scores[index])
            if index < bodyRows.count {
                bodyRows[kept] = bodyRows[index]
                keptBodyRows = kept + 1
            }
            kept += 1
        }
        bodyRows.removeLast(bodyRows.count - keptBodyRows)
        bodyMatches?.rows = bodyRows
        ids.removeLast(ids.count - kept)
        scores.removeLast(scores.count - kept)
        results.total = ids.count
        results.facets.tags = posts.tagCounts(over: ids, limit: Self.facetLimit)

        let page = Self.page(ids: ids, scores: scores, posts: posts, sort: request.sort,
                             offset: request.offset, limit: request.limit)
        results.hits = try hits(ids: page.map { ids[$0] }, scores: page.map { scores[$0] }, match: match,
                                bodyMatches: page.map { bodyMatches?.matches(ofRow: $0) }, phraseSizes: bodyMatches?.phraseSizes ?? [],
                                analyzer: analyzer, posts: posts, db: db)
        return results
    }

    /// Indexes into `ids` of the requested page, best first.
    ///
    /// By relevance, near-ties (within 0.1 of BM25) go to the newer post; by
    /// date, equal dates go to the better match. Two selections (quickselect)
    /// put the page's matches between `offset` and `offset + limit`, and only
    /// those are sorted: linear in the matches on average, at any offset, so
    /// page 1,000 costs what page 1 costs.
    private static func page(ids: [Int64], scores: [Double], posts: PostTable.Snapshot, sort: SearchRequest.Sort,
                             offset: Int, limit: Int) -> ArraySlice<Int> {
        guard offset < ids.count else { return [] }
        /// Larger comes first; the id last, so that no two keys are equal.
        let keys = ids.indices.map { index -> PageKey in
            let (id, score) = (ids[index], scores[index])
            let order = posts.order[Int(id)]
            return switch sort {
            case .relevance: PageKey(rank: (score * 10).rounded(), order: order, score: score, id: id)
            case .date: PageKey(rank: Double(order), order: 0, score: score, id: id)
            }
        }
        var order = Array(ids.indices)
        let end = min(offset + limit, order.count)
        let selection = Selection(keys: keys)
        selection.select(offset, in: &order, from: 0, to: order.count)
        if end < order.count { selection.select(end, in: &order, from: offset, to: order.count) }
        order[offset..<end].sort { keys[$0] > keys[$1] }
        return order[offset..<end]
    }

    /// The page's hits in page order: what they show from ``PostTable``; the
    /// snippets from the body matches kept while scoring, else from FTS5.
    private func hits(ids: [Int64], scores: [Double], match: String?, bodyMatches: [[(phrase: Int, position: Int)]?],
                      phraseSizes: [Int], analyzer: GermanAnalyzer, posts: PostTable.Snapshot,
                      db: Database) throws -> [SearchResults.Hit] {
        guard !ids.isEmpty else { return [] }
        var snippets: [Int64: String] = [:]
        let body = try db.cachedStatement(sql: "SELECT body FROM post_text WHERE rowid = ?")
        for (id, matches) in zip(ids, bodyMatches) {
            guard let matches else { continue }
            let passage = SnippetFunction.Passage(phraseSizes: phraseSizes, matches: matches)
            snippets[id] = try snippet(of: id, passage, body: body, words: Int(posts.bodyLengths[Int(id)]),
                                       generation: posts.generation, analyzer: analyzer)
        }
        let rest = zip(ids, bodyMatches).compactMap { $1 == nil ? $0 : nil }
        if !rest.isEmpty { snippets.merge(try self.snippets(for: rest, match: match, db: db)) { kept, _ in kept } }
        return zip(ids, scores).map { id, score in
            let index = Int(id)
            return SearchResults.Hit(
                path: posts.paths[index], url: posts.urls[index], title: posts.titles[index], date: posts.dates[index],
                authors: Array(posts.authors[id]), tags: Array(posts.shownTags[id]),
                score: (score * 1000).rounded() / 1000,
                snippet: Snippet(marked: snippets[id] ?? ""))
        }
    }

    /// The snippet of post `id` for its kept body matches: what `volltext_snippet`
    /// gives for the row, read with the `body` statement (by rowid); nil without a body.
    /// The body's word ranges come from ``WordLayoutCache`` as far as it has
    /// them, and what more was read goes back into it.
    private func snippet(of id: Int64, _ passage: SnippetFunction.Passage, body: Statement, words: Int,
                         generation: String, analyzer: GermanAnalyzer) throws -> String? {
        var passage = passage
        let rows = try Row.fetchCursor(body, arguments: [id])
        guard let row = try rows.next(), !row.hasNull(atIndex: 0) else { return nil }
        let known = wordLayouts.ranges(of: id, generation: generation)
        var ranges = known ?? WordRanges()
        let marked = try row.withUnsafeData(atIndex: 0) { data in
            (data ?? Data()).withUnsafeBytes {
                passage.marked($0.bindMemory(to: UInt8.self), documentWords: words, analyzer: analyzer, ranges: &ranges)
            }
        }
        // A match beyond the body's words: the index is damaged, as volltext_snippet() reports.
        guard let marked else { throw PostTable.DamagedIndex() }
        if ranges.knowMore(than: known) { wordLayouts.store(ranges, of: id, generation: generation) }
        return String(decoding: marked, as: UTF8.self)
    }

    /// Snippets of the page's posts, with the matched words between U+E000 and
    /// U+E001, from a second FTS5 query: for the posts whose body matches were
    /// not kept while scoring (see ``BodyMatches``), and for the unicode61 reference.
    ///
    /// The snippet function needs the MATCH. Each post is found by its rowid, which makes
    /// FTS5 seek in each word's doclist, not scan it; but each such query sets the
    /// whole expression up again (and a prefix is expanded into all its words
    /// again), so for a prefix, or when the page's posts lie close together (a
    /// small site: fewer than 50 rowids per hit between them), one query walks the
    /// matches between the page's lowest and highest rowid instead. On okfn-de
    /// (495 posts) that makes searches 20% faster; at 50,000 posts, seeking is faster.
    private func snippets(for ids: [Int64], match: String?, db: Database) throws -> [Int64: String] {
        var snippets: [Int64: String] = [:]
        guard let match else {
            let statement = try db.cachedStatement(sql: "SELECT substr(body, 1, 200) FROM post_text WHERE rowid = ?")
            for id in ids { snippets[id] = try String.fetchOne(statement, arguments: [id]) }
            return snippets
        }
        // volltext_snippet reads word positions with the German analyzer: the
        // unicode61 reference index keeps FTS5's own snippet().
        let snippet = analyzesGerman ? "\(SnippetFunction.name)(post_text)"
            : "snippet(post_text, 3, char(57344), char(57345), '…', 24)"
        if let first = ids.min(), let last = ids.max(), SearchQuery.hasPrefix(match) || last - first < Int64(ids.count) * 50 {
            // Integers formatted here, never user text: safe to write into the SQL.
            let list = ids.map(String.init).joined(separator: ", ")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT rowid, \(snippet) FROM post_text
                WHERE post_text MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (\(list))
                """, arguments: [match, first, last])
            while let row = try rows.next() {
                if case let .int64(id) = (row[0] as DatabaseValue).storage { snippets[id] = String.fromDatabaseValue(row[1]) }
            }
        } else {
            let statement = try db.cachedStatement(sql: "SELECT \(snippet) FROM post_text WHERE post_text MATCH ? AND rowid = ?")
            for id in ids { snippets[id] = try String.fetchOne(statement, arguments: [match, id]) }
        }
        return snippets
    }

    /// `text` for a LIKE pattern, with its own `%` and `_` taken literally.
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// Loads what searches hold in memory for the current index, so that the
    /// first search after an index run does not wait for it (about 50 ms at
    /// 50,000 posts). A server calls it after each reindex.
    public func prepareForSearch() throws {
        do {
            try database.read { db in
                let generation = try Self.generation(db)
                _ = try postTable.snapshot(generation: generation, db: db)
                if analyzesGerman { _ = try vocabularyTable.snapshot(generation: generation, db: db) }
            }
        } catch {
            throw IndexError.from(error, path: path)
        }
    }

    /// Posts a word may be in and still get compound variants: one in fifty,
    /// and never fewer than 500, so that small sites always get them.
    static func commonWordPosts(of posts: Int) -> Int { max(500, posts / 50) }

    /// Runs `body` on `db` so that SQLite stops it (SQLITE_INTERRUPT) once
    /// `deadline` has passed: its progress handler looks at the clock every
    /// few thousand virtual-machine steps (and FTS5 steps row by row), so no
    /// query, however many terms a prefix expands to, runs much past its time.
    func withDeadline<T>(_ deadline: ContinuousClock.Instant, db: Database, _ body: () throws -> T) throws -> T {
        let box = DeadlineBox(deadline)
        sqlite3_progress_handler(db.sqliteConnection, 100, { context in
            guard let context else { return 0 }
            return ContinuousClock.now >= Unmanaged<DeadlineBox>.fromOpaque(context).takeUnretainedValue().deadline ? 1 : 0
        }, Unmanaged.passUnretained(box).toOpaque())
        defer { sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil) }
        return try withExtendedLifetime(box) { try body() }
    }

    /// The id every index run writes anew: what cached results and tag counts key on.
    static func generation(_ db: Database) throws -> String {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM index_info WHERE key = 'generation'")) ?? ""
    }
}

extension SearchIndex {
    /// Every tag with the number of posts that have it, most used first.
    public func allTags() throws(IndexError) -> [SearchResults.TagCount] {
        try read(Self.tagCounts)
    }

    /// ``allTags()`` without holding a thread while it waits for a connection.
    public func allTags() async throws(IndexError) -> [SearchResults.TagCount] {
        try await read(Self.tagCounts)
    }

    private static func tagCounts(_ db: Database) throws -> [SearchResults.TagCount] {
        try SearchResults.TagCount.fetchAll(db, sql: """
            SELECT tag.name AS tag, count(*) AS count FROM tag JOIN post_tag ON post_tag.tag_id = tag.id
            GROUP BY tag.id ORDER BY count DESC, tag.name
            """)
    }
}

/// How a match ranks on a page: compared field by field, larger first.
struct PageKey: Comparable {
    var rank: Double, order: Int32, score: Double, id: Int64

    static func < (a: PageKey, b: PageKey) -> Bool {
        (a.rank, a.order, a.score, a.id) < (b.rank, b.order, b.score, b.id)
    }
}

/// Quickselect over indexes into `keys`, best (largest) first.
struct Selection {
    /// Pivots are random, so no input is a worst case; the page does not depend
    /// on them, since no two keys are equal.
    let keys: [PageKey]

    /// Reorders `order[from..<to]` so that position `nth` holds the element
    /// that belongs there, the better ones before it and the rest after.
    func select(_ nth: Int, in order: inout [Int], from: Int, to: Int) {
        var (low, high) = (from, to - 1)
        while low < high {
            let pivot = keys[order[Int.random(in: low...high)]]
            // Three-way partition: better than the pivot, the pivot, worse.
            var (lessEnd, index, greaterStart) = (low, low, high + 1)
            while index < greaterStart {
                let key = keys[order[index]]
                if key > pivot {
                    order.swapAt(index, lessEnd)
                    lessEnd += 1
                    index += 1
                } else if key < pivot {
                    greaterStart -= 1
                    order.swapAt(index, greaterStart)
                } else {
                    index += 1
                }
            }
            if nth < lessEnd { high = lessEnd - 1 } else if nth >= greaterStart { low = greaterStart } else { return }
        }
    }
}

/// A search's deadline, where SQLite's progress handler can read it.
private final class DeadlineBox {
    let deadline: ContinuousClock.Instant
    init(_ deadline: ContinuousClock.Instant) { self.deadline = deadline }
}

extension Duration {
    /// In seconds, as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension SearchResults.TagCount: FetchableRecord {}

extension SearchIndex {
    /// A read whose failures are ``IndexError``s.
    func read<T>(_ body: (Database) throws -> T) throws(IndexError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw IndexError.from(error, path: path)
        }
    }

    /// A read through GRDB's asynchronous API, whose failures are ``IndexError``s.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(IndexError) -> T {
        do {
            return try await database.read(body)
        } catch {
            throw IndexError.from(error, path: path)
        }
    }
}
