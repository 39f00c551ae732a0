import Foundation
import GRDB
import Testing
@testable import VolltextIndex
import VolltextAnalysis
import VolltextSite
import VolltextTestSupport

/// Volltext scores matches with its own FTS5 function, `volltext_bm25`, which
/// must give exactly what FTS5's `bm25()` gives: these check that on the real
/// posts, for every kind of expression the query parser writes.
/// okfn-de's posts indexed into a new temporary file; ``removeIndex(_:)`` removes it.
private func indexRealPosts(_ name: String) throws -> (index: SearchIndex, path: String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID()).sqlite").path
    let index = try SearchIndex(path: path, create: true)
    _ = try index.update(from: SiteReader(root: SharedData.url("corpus/okfn-de")))
    return (index, path)
}

private func removeIndex(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

@Suite(.enabled(if: SharedData.isUsable, Comment(rawValue: SharedData.skipMessage)))
struct Ranking {
    static let queries = [
        "Daten", "Open Data", "Informationsfreiheit", "Bürgerbeteiligung", "Buergerbeteiligung",
        "Transparenz OR Informationsfreiheit", "Daten -Berlin", "\"Recht auf Information\"", "Bürger*",
        "Open-Data-Portal", "Haushalt Köln Verwaltung", "Wikipedia OR \"Open Knowledge\" -Hackathon",
    ]

    @Test func scoresEqualFTS5BM25OnTheRealPosts() throws {
        let (index, path) = try indexRealPosts("ranking")
        defer { removeIndex(path) }
        let weights = FieldWeights()
        let analyzer = GermanAnalyzer(forQueries: true)
        try index.database.read { db in
            let posts = try index.postTable.snapshot(generation: SearchIndex.generation(db), db: db)
            for query in Self.queries {
                let match = try #require(try SearchQuery(parsing: query).matchExpression(analyzer: analyzer))
                let ours = try BM25Ranking.scores(match: match, weights: weights.columns, lengths: posts.lengths, db: db)
                let fts5 = try Row.fetchAll(db, sql: """
                    SELECT rowid, -bm25(post_text, \(weights.columns.map { "\($0)" }.joined(separator: ", ")))
                    FROM post_text WHERE post_text MATCH ? ORDER BY rowid
                    """, arguments: [match])
                #expect(ours.ids == fts5.map { $0[0] as Int64 }, "\(query)")
                #expect(ours.ids.count > 0, "\(query) matches nothing: a poor test")
                for (score, row) in zip(ours.scores, fts5) {
                    let expected: Double = row[1]
                    #expect(abs(score - expected) <= 1e-9 * abs(expected) + 1e-15, "\(query), post \(row[0] as Int64)")
                }
            }
        }
    }

    /// Past its limit the scorer keeps no more body matches, for no later row;
    /// the rows before keep theirs, each one the body matches of its row.
    @Test func bodyMatchesStopAtTheLimit() throws {
        let site = try TemporarySite()
        for day in 1...9 {
            try site.write("_posts/2020-01-0\(day)-post.md", TemporarySite.post(
                title: "Daten \(day)", date: nil, body: String(repeating: "Offene Daten. ", count: day)))
        }
        let index = try SearchIndex(path: site.indexPath, create: true)
        _ = try index.update(from: SiteReader(root: site.root))
        try index.database.read { db in
            let posts = try index.postTable.snapshot(generation: SearchIndex.generation(db), db: db)
            func kept(_ limit: Int) throws -> [[(phrase: Int, position: Int)]?] {
                let ranked = try BM25Ranking.scores(match: "\"daten\"", weights: FieldWeights().columns, lengths: posts.lengths,
                                                    keepingBodyMatchesUpTo: limit, db: db)
                let body = try #require(ranked.bodyMatches)
                return ranked.ids.indices.map { body.matches(ofRow: $0) }
            }
            let all = try kept(1_000)
            #expect(all.map { $0?.map(\.position) } == (1...9).map { words in (0..<words).map { $0 * 2 + 1 } })
            let some = try kept(10)  // 1 + 2 + 3 + 4 matches fit, the fifth row's 5 do not
            #expect(some.prefix(4).map { $0?.count } == [1, 2, 3, 4])
            #expect(some.dropFirst(4).allSatisfy { $0 == nil })
        }
    }

    @Test func aFullBuildLeavesOneSegmentAndOneChangeLeavesItToFTS5() throws {
        let site = try TemporarySite()
        for day in 1...20 {
            try site.write("_posts/2020-01-\(String(format: "%02d", day))-post.md", TemporarySite.post(
                title: "Beitrag \(day)", date: nil, tags: "[Daten]", body: "Offene Daten aus der Verwaltung, Teil \(day)."))
        }
        let index = try SearchIndex(path: site.indexPath, create: true)
        func segments() throws -> Int {
            try index.database.read { db in try Int.fetchOne(db, sql: "SELECT count(DISTINCT segid) FROM post_text_idx") ?? 0 }
        }
        _ = try index.update(from: SiteReader(root: site.root))
        #expect(try segments() == 1)
        // The build's own settings (no merging on the way, a small hash) end with it.
        let settings = try index.database.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT k, v FROM post_text_config").map { row -> (String, Int) in
                (row["k"], row["v"] ?? 0)
            })
        }
        #expect(settings["automerge"] == 4 && settings["crisismerge"] == 16 && settings["hashsize"] == 32 << 20)
        try site.write("_posts/2020-01-05-post.md", TemporarySite.post(
            title: "Beitrag 5", date: nil, tags: "[Daten]", body: "Geänderter Text über Haushalte."))
        let report = try index.update(from: SiteReader(root: site.root))
        #expect(report.updated == 1)
        #expect(try segments() == 2)
        #expect(try index.search(SearchRequest(query: "Haushalt")).total == 1)
    }
}

/// Pages are cut from the one ranking: at every offset, by relevance and by
/// date, they are exactly the slices of the full ordering.
@Suite struct Paging {
    @Test func everyPageIsASliceOfTheFullOrder() throws {
        let site = try TemporarySite()
        for n in 0..<150 {
            // Repeated words and dates give many ties, which the order must break the same way every time.
            let body = String(repeating: "Daten ", count: 1 + n % 7) + "über die Verwaltung \(n)."
            try site.write("_posts/2020-\(String(format: "%02d", 1 + n % 12))-\(String(format: "%02d", 1 + n % 5))-p\(n).md",
                           TemporarySite.post(title: "Post \(n)", body: body))
        }
        let index = try SearchIndex(path: site.indexPath, create: true)
        _ = try index.update(from: SiteReader(root: site.root))
        for sort in SearchRequest.Sort.allCases {
            var all: [String] = []
            for offset in stride(from: 0, to: 150, by: 100) {
                all += try index.search(SearchRequest(query: "Daten", sort: sort, limit: 100, offset: offset)).hits.map(\.path)
            }
            #expect(all.count == 150 && Set(all).count == 150)
            for (offset, limit) in [(0, 1), (0, 10), (3, 7), (13, 10), (99, 2), (140, 10), (149, 5), (150, 10)] {
                let page = try index.search(SearchRequest(query: "Daten", sort: sort, limit: limit, offset: offset)).hits.map(\.path)
                #expect(page == Array(all.dropFirst(offset).prefix(limit)), "\(sort) offset \(offset) limit \(limit)")
            }
            if sort == .date {
                let dates = try index.search(SearchRequest(query: "Daten", sort: .date, limit: 100)).hits.map(\.date)
                #expect(dates == dates.sorted(by: >))
            }
        }
    }
}

/// `volltext_snippet` reads less of a post than FTS5's `snippet()`, but must
/// choose and mark exactly the same passage.
@Suite(.enabled(if: SharedData.isUsable, Comment(rawValue: SharedData.skipMessage)))
struct Snippets {
    @Test func sameAsFTS5SnippetOnTheRealPosts() throws {
        let (index, path) = try indexRealPosts("snippets")
        defer { removeIndex(path) }
        let analyzer = GermanAnalyzer(forQueries: true)
        var compared = 0
        try index.database.read { db in
            for query in Ranking.queries + ["die", "Lizenz", "Hackathon Berlin Jugend", "Open Knowledge Foundation", "Schule",
                                            "\"Open Data\" Transparenz Haushalt", "Geo*", "Wahl OR Wahlen OR Abstimmung"] {
                let match = try #require(try SearchQuery(parsing: query).matchExpression(analyzer: analyzer))
                let rows = try Row.fetchAll(db, sql: """
                    SELECT rowid, snippet(post_text, 3, char(57344), char(57345), '…', 24), volltext_snippet(post_text)
                    FROM post_text WHERE post_text MATCH ?
                    """, arguments: [match])
                #expect(!rows.isEmpty, "\(query) matches nothing: a poor test")
                for row in rows {
                    #expect(row[1] as String? == row[2] as String?, "\(query), post \(row[0] as Int64)")
                    compared += 1
                }
            }
        }
        #expect(compared > 1_000)
    }

    /// A search's snippets come from the matches kept while scoring; they must
    /// be the ones `volltext_snippet` gives in a second FTS5 query, and the
    /// rest of the results the same, on every page of many real queries.
    @Test func keptMatchesGiveTheSameResultsAsASecondQuery() throws {
        let (index, path) = try indexRealPosts("kept")
        defer { removeIndex(path) }
        var compared = 0
        var requests: [(SearchRequest, SearchResults)] = []
        for query in Ranking.queries + ["die", "Lizenz", "Hackathon Berlin Jugend", "\"Open Data\" Transparenz Haushalt", "Geo*",
                                        "Wahl OR Wahlen OR Abstimmung", "Daten -Berlin", "Buergerbeteiligung", "Informationsfreiheitsgesetz",
                                        "Schufa knacken", "Transparenzgesetz*"] {
            for (offset, sort) in [(0, SearchRequest.Sort.relevance), (10, .relevance), (0, .date), (40, .date)] {
                let request = SearchRequest(query: query, sort: sort, limit: 20, offset: offset)
                // Word ranges read afresh or partly known from earlier queries (``WordLayoutCache``).
                let kept = try index.search(request)
                // None kept, and some kept and the rest from FTS5.
                for limit in [0, 300] {
                    #expect(kept == (try index.search(request, keepingBodyMatchesUpTo: limit)),
                            "\(query), offset \(offset), \(sort), \(limit) kept")
                }
                compared += kept.hits.count
                requests.append((request, kept))
            }
        }
        #expect(compared > 1_000)
        // Again, with the word ranges of every body shown so far known.
        #expect(index.wordLayouts.count > 200)
        for (request, first) in requests { #expect(try index.search(request) == first, "\(request.query) again") }
    }
}

@Suite struct ReferenceIndexSnippets {
    /// The unicode61 reference counts word positions its own way
    /// (`Bürger*innen` is two words there): its snippets stay FTS5's.
    @Test func unicode61MarksItsOwnWords() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post(body: "Die Bürger*innen und Bürger*innen lesen offene Daten gern."))
        let index = try SearchIndex(path: site.indexPath, create: true, tokenizer: .unicode61)
        _ = try index.update(from: SiteReader(root: site.root))
        #expect(try index.search(SearchRequest(query: "Daten")).hits.first?.snippet.matchedWords == ["Daten"])
    }
}
