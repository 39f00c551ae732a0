import Foundation
import GRDB
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

    public static let maxLimit = 100
    public static let maxOffset = 10_000

    public init(query: String, tags: [String] = [], anyTag: Bool = false, author: String? = nil,
                since: String? = nil, until: String? = nil, sort: Sort = .relevance, limit: Int = 10, offset: Int = 0) {
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

/// The answer to a search, shaped like `volltext search --json`.
public struct SearchResults: Sendable, Codable, Equatable {
    public struct Hit: Sendable, Codable, Equatable {
        public var path: String
        public var url: String
        public var title: String
        public var date: String
        public var authors: [String]
        public var tags: [String]
        /// BM25 with field weights; higher is better.
        public var score: Double
        /// HTML-escaped text with each match wrapped in `<mark>…</mark>`.
        public var snippet: String
    }

    public struct TagCount: Sendable, Codable, Equatable {
        public var tag: String
        public var count: Int
    }

    public struct Facets: Sendable, Codable, Equatable {
        public var tags: [TagCount]
    }

    public var query: String
    public var total: Int
    public var offset: Int
    public var limit: Int
    public var hits: [Hit]
    public var facets: Facets
    /// A corrected query when nothing matched and the vocabulary suggests one.
    public var suggestion: String?
    /// True when no post had all the words, so posts with any of them are shown,
    /// those with most of them first.
    public var relaxed = false

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(query, forKey: .query)
        try container.encode(total, forKey: .total)
        try container.encode(offset, forKey: .offset)
        try container.encode(limit, forKey: .limit)
        try container.encode(hits, forKey: .hits)
        try container.encode(facets, forKey: .facets)
        try container.encode(suggestion, forKey: .suggestion)  // null, not absent
        try container.encode(relaxed, forKey: .relaxed)
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

    var sql: String { "bm25(post_text, \(title), \(tags), \(description), \(body), \(code))" }

    /// The same, as FTS5's `rank MATCH` takes it: ranking inside FTS5 skips the joins.
    var rankFunction: String { "bm25(\(title), \(tags), \(description), \(body), \(code))" }
}

extension SearchIndex {
    /// Most tags a facet list shows.
    public static let facetLimit = 30

    /// Runs a search. Bad parameters and unsearchable queries throw
    /// ``QueryError``; nothing the user types can cause an SQL or FTS5 error.
    public func search(_ request: SearchRequest, weights: FieldWeights = FieldWeights()) throws -> SearchResults {
        let request = try request.validated()
        guard let resultCache, weights == FieldWeights() else {
            return try search(validated: request, weights: weights)
        }
        let generation: String
        do {
            generation = try pool.read(Self.generation)
        } catch {
            throw IndexError.from(error, path: path)
        }
        let key = ResultCache.Key(request)
        if let cached = resultCache.results(for: key, generation: generation) { return cached }
        let results = try search(validated: request, weights: weights)
        resultCache.store(results, for: key, generation: generation)
        return results
    }

    private func search(validated request: SearchRequest, weights: FieldWeights) throws -> SearchResults {
        // A blank query with tag filters lists the tags' posts, newest first.
        let isBlank = request.query.allSatisfy(\.isWhitespace)
        let query = isBlank && !request.tags.isEmpty ? nil : try SearchQuery(parsing: request.query)
        let analyzer = GermanAnalyzer(forQueries: true)
        let match = query?.matchExpression(analyzer: analyzer)
        let tagKeys = (request.tags + (query?.tags ?? [])).map { Self.foldedKey($0, analyzer: analyzer) }.filter { !$0.isEmpty }
        guard match != nil || !tagKeys.isEmpty else { throw QueryError.empty }
        do {
            var results = try search(request, match: match, tagKeys: tagKeys, weights: weights, analyzer: analyzer)
            if results.total == 0, let query, query.canRelax,
               let relaxed = query.matchExpression(analyzer: analyzer, requireAll: false) {
                results = try search(request, match: relaxed, tagKeys: tagKeys, weights: weights, analyzer: analyzer)
                results.relaxed = results.total > 0
            }
            if results.total == 0, let query { results.suggestion = try suggestion(for: query, analyzer: analyzer) }
            return results
        } catch let error as QueryError {
            throw error
        } catch {
            throw IndexError.from(error, path: path)
        }
    }

    /// One run of the page, count and facet queries for an FTS5 expression.
    private func search(_ request: SearchRequest, match: String?, tagKeys: [String], weights: FieldWeights,
                        analyzer: GermanAnalyzer) throws -> SearchResults {
        var results = SearchResults(query: request.query, total: 0, offset: request.offset, limit: request.limit,
                                    hits: [], facets: .init(tags: []), suggestion: nil)

        // Filters on post, shared by the page, the count and the facets.
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let match {
            conditions.append("post_text MATCH ?")
            arguments.append(match)
        }
        if !tagKeys.isEmpty {
            let placeholders = Array(repeating: "?", count: tagKeys.count).joined(separator: ", ")
            if request.anyTag {
                conditions.append("post.id IN (SELECT post_id FROM post_tag JOIN tag ON tag.id = tag_id WHERE tag.key IN (\(placeholders)))")
            } else {
                conditions.append("""
                    post.id IN (SELECT post_id FROM post_tag JOIN tag ON tag.id = tag_id WHERE tag.key IN (\(placeholders))
                                GROUP BY post_id HAVING count(DISTINCT tag.key) = \(Set(tagKeys).count))
                    """)
            }
            arguments += tagKeys
        }
        if let author = request.author.map({ Self.foldedKey($0, analyzer: analyzer) }), !author.isEmpty {
            conditions.append("post.id IN (SELECT post_id FROM post_author WHERE ' ' || key || ' ' LIKE '% ' || ? || ' %')")
            arguments.append(author)
        }
        if let since = request.since { conditions.append("post.date >= ?"); arguments.append(since) }
        if let until = request.until { conditions.append("post.date <= ?"); arguments.append(until) }
        let filter = conditions.joined(separator: " AND ")
        // Without words to match, every post is as good as another: newest first.
        let from = match == nil ? "post" : "post_text JOIN post ON post.id = post_text.rowid"
        let score = match == nil ? "0.0" : "-\(weights.sql)"
        let order = switch request.sort {
        case .date: "post.sort_date DESC, score DESC"
        // Near-ties (within 0.1 of BM25) go to the newer post.
        case .relevance: "round(score, 1) DESC, post.sort_date DESC"
        }
        let snippet = match == nil
            ? "substr(post_text.body, 1, 200)"
            : "snippet(post_text, 3, char(57344), char(57345), '…', 24)"
        let snippetJoin = match == nil ? " JOIN post_text ON post_text.rowid = post.id" : ""

        // Words alone, ranked by relevance: FTS5 can rank, count and list matches
        // on its own, without looking up every matching post's row.
        let wordsOnly = match != nil && conditions.count == 1 && request.sort == .relevance
        let pageIDs = wordsOnly
            ? "SELECT rowid FROM post_text WHERE post_text MATCH ? AND rank MATCH '\(weights.rankFunction)' ORDER BY rank LIMIT ? OFFSET ?"
            : "SELECT post.id FROM (SELECT post.id, post.sort_date, \(score) AS score FROM \(from) WHERE \(filter) ORDER BY \(order) LIMIT ? OFFSET ?) AS post"
        let matchingIDs = wordsOnly ? "SELECT rowid FROM post_text WHERE post_text MATCH ?" : "SELECT post.id FROM \(from) WHERE \(filter)"

        try pool.read { db in
                // The page is chosen first, without snippets: snippet() tokenizes the
                // whole body, and SQLite would compute it for every match before sorting.
                // Then MATCH runs again on the page's rows alone, for their snippets.
                let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT post.path, post.url, post.title, post.date, post.authors, post.tags,
                           \(score) AS score, \(snippet) AS snippet
                    FROM \(from)\(snippetJoin)
                    WHERE \(filter) AND post.id IN (\(pageIDs))
                    ORDER BY \(order)
                    """), arguments: StatementArguments(arguments + arguments + [request.limit, request.offset]))
                results.hits = try rows.map { row in
                    SearchResults.Hit(
                        path: row["path"], url: row["url"], title: row["title"], date: row["date"],
                        authors: JSONText.stringArray(row["authors"]),
                        tags: JSONText.stringArray(row["tags"]),
                        score: ((row["score"] as Double) * 1000).rounded() / 1000,
                        snippet: Self.markedHTML(row["snippet"] ?? ""))
                }
                // One pass over the matching ids gives the total and the tag counts.
                let ids = try Int64.fetchAll(db.cachedStatement(sql: matchingIDs), arguments: StatementArguments(arguments))
                results.total = ids.count
                results.facets.tags = try tagTable.counts(for: ids, generation: Self.generation(db), db: db, limit: Self.facetLimit)
        }
        return results
    }

    /// The id every index run writes anew: what cached results and tag counts key on.
    static func generation(_ db: Database) throws -> String {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM index_info WHERE key = 'generation'")) ?? ""
    }

    /// Snippet text from FTS5, with U+E000/U+E001 around matches, as safe HTML.
    static func markedHTML(_ text: String) -> String {
        var html: [UInt8] = []
        html.reserveCapacity(text.utf8.count + 32)
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "\u{E000}": html += "<mark>".utf8
            case "\u{E001}": html += "</mark>".utf8
            case "&": html += "&amp;".utf8
            case "<": html += "&lt;".utf8
            case ">": html += "&gt;".utf8
            case "\"": html += "&quot;".utf8
            case "'": html += "&#39;".utf8
            case "\n", "\r", "\t": html.append(0x20)
            default: UTF8.encode(scalar) { html.append($0) }
            }
        }
        return String(decoding: html, as: UTF8.self)
    }
}

extension SearchIndex {
    /// Every tag with the number of posts that have it, most used first.
    public func allTags() throws -> [SearchResults.TagCount] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT tag.name, count(*) AS n FROM tag JOIN post_tag ON post_tag.tag_id = tag.id
                    GROUP BY tag.id ORDER BY n DESC, tag.name
                    """).map { SearchResults.TagCount(tag: $0["name"], count: $0["n"]) }
            }
        } catch {
            throw IndexError.from(error, path: path)
        }
    }
}
