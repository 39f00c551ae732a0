import Foundation
import Testing
@testable import VolltextIndex
import VolltextAnalysis
import VolltextSite
import VolltextTestSupport

/// A small German site written for these tests.
private final class TestBlog: Sendable {
    let site: TemporarySite
    let index: SearchIndex

    init() throws {
        site = try TemporarySite()
        site.removeAtExit()  // shared through a static let
        let posts: [(String, String, String, String, String)] = [
            // name, title, tags, author, body
            ("2019-03-01-beteiligung", "Bürgerbeteiligung in Köln", "[Beteiligung, Köln]", "Anna Müller",
             "Die Stadt Köln lädt zur Bürgerbeteiligung ein. Das Recht auf Information gilt für alle."),
            ("2020-06-15-haushalt", "Der Haushalt der Stadt", "[Offene Daten, Haushalt]", "Ben Schulz",
             "Die Verwaltungen veröffentlichen den Haushalt als offene Daten & Tabellen &lt;sofort&gt;."),
            ("2021-01-10-strassen", "Straßen und Wege", "[Verkehr]", "Anna Müller",
             "Neue Straßen für Radfahrer: die Verwaltung plant ein Open-Data-Portal für Verkehrsdaten."),
            ("2018-05-05-behoerden", "Transparenz in Behörden", "[Behörden, Transparenz]", "Clara Weiß",
             "Behörden sollen Akten öffnen. Informationsfreiheit ist ein Bürgerrecht, sagen die Bürger*innen."),
            ("2022-02-02-english", "Open data in Germany", "[Open Data]", "Dan Smith",
             "Germany publishes open data about budgets and transport. The portal is new."),
            ("2017-07-07-verwaltung", "Verwaltung digital", "[Offene Daten, Verwaltung]", "Ben Schulz",
             "Eine digitale Verwaltung braucht offene Schnittstellen und Geduld."),
        ]
        // Posts on other topics, so that BM25's document frequencies mean something.
        let others = ["Gartenarbeit im Frühling", "Ein Rezept für Apfelkuchen", "Wandern in den Alpen",
                      "Musik am Abend", "Fotografie mit alten Kameras", "Schach für Anfänger"]
        for (n, title) in others.enumerated() {
            try site.write("_posts/2016-0\(n + 1)-01-anderes-\(n).md", TemporarySite.post(
                title: title, date: nil, tags: "[Freizeit]", body: "\(title): ein Beitrag über etwas ganz anderes."))
        }
        for (name, title, tags, author, body) in posts {
            try site.write("_posts/\(name).md", TemporarySite.post(title: title, date: nil, tags: tags,
                                                                   extra: "author: \(author)", body: body))
        }
        index = try SearchIndex(path: site.indexPath, create: true)
        _ = try index.update(from: SiteReader(root: site.root))
    }

    func search(_ query: String, tags: [String] = [], anyTag: Bool = false, author: String? = nil,
                since: String? = nil, until: String? = nil, sort: SearchRequest.Sort = .relevance,
                limit: Int = 10, offset: Int = 0) throws -> SearchResults {
        try index.search(SearchRequest(query: query, tags: tags, anyTag: anyTag, author: author, since: since,
                                       until: until, sort: sort, limit: limit, offset: offset))
    }

    /// Slugs of the hits, e.g. "haushalt".
    func slugs(_ query: String, tags: [String] = [], anyTag: Bool = false, sort: SearchRequest.Sort = .relevance) throws -> [String] {
        try search(query, tags: tags, anyTag: anyTag, sort: sort).hits.map { hit in
            String(hit.path.split(separator: "/").last!.dropFirst(11).dropLast(3))
        }
    }
}

@Suite struct QueryParsing {
    @Test func clausesExclusionsTagsAndOr() throws {
        let query = try SearchQuery(parsing: #"Open Data -Köln "Recht auf Information" Bürger* Transparenz OR Offenheit tag:"Offene Daten" tag:Köln"#)
        #expect(query.groups.map { $0.map(\.text) } == [["Open"], ["Data"], ["Recht auf Information"], ["Bürger"], ["Transparenz", "Offenheit"]])
        #expect(query.groups[2][0].kind == .phrase)
        #expect(query.groups[3][0].kind == .prefix)
        #expect(query.excluded.map(\.text) == ["Köln"])
        #expect(query.tags == ["Offene Daten", "Köln"])
    }

    @Test func unbalancedQuoteRunsToTheEnd() throws {
        let query = try SearchQuery(parsing: #"Daten "Recht auf"#)
        #expect(query.groups.last == [SearchQuery.Clause(text: "Recht auf", kind: .phrase)])
    }

    @Test func clearErrors() {
        #expect(throws: QueryError.empty) { try SearchQuery(parsing: "   ") }
        #expect(throws: QueryError.onlyExclusions) { try SearchQuery(parsing: "-Köln -Bonn") }
        #expect(throws: QueryError.tooLong(limit: 512)) { try SearchQuery(parsing: String(repeating: "a", count: 513)) }
        #expect(QueryError.tooLong(limit: 512).localizedDescription == "query too long: 512 characters at most")
    }

    @Test func compoundsMatchAsPhraseOrAsOneWord() throws {
        let expression = try SearchQuery(parsing: "Open-Data-Portal").matchExpression(analyzer: GermanAnalyzer())
        #expect(expression == #"("Open Data Portal" OR "OpenDataPortal")"#)
    }

    @Test func stopwordsDropUnlessNothingElseRemains() throws {
        let analyzer = GermanAnalyzer()
        #expect(try SearchQuery(parsing: "die Verwaltung").matchExpression(analyzer: analyzer) == #""Verwaltung""#)
        #expect(try SearchQuery(parsing: "die der").matchExpression(analyzer: analyzer) == #""die" AND "der""#)
        #expect(try SearchQuery(parsing: #""Recht auf Information""#).matchExpression(analyzer: analyzer) == #""Recht auf Information""#)
    }
}

@Suite struct HostileQueries {
    fileprivate static let blog = Result { try TestBlog() }

    @Test(arguments: [
        "\"", "NEAR(", "NEAR(a b, 3)", "AND OR", "AND", "*", "-", "--", "title:foo", "body:Köln", "col:x*", "^foo",
        "\u{0}\u{1}\u{7F}Daten\u{1B}[31m", "🙂🤷‍♀️", "'; DROP TABLE post; --", "\" OR 1=1 --", "a\"b", "((((", "))", "{x}",
        "-\"", "\"\"", "* * *", "OR OR", "NOT Daten", "Daten NOT", "+Daten", "Daten*\"", "\\", "Köln:innen", "ü*",
        "tag:", "tag:\"", "-tag:x", String(repeating: "Daten ", count: 85), String(repeating: "x", count: 512),
    ])
    func neverAnSQLOrFTS5Error(query: String) throws {
        let blog = try Self.blog.get()
        do {
            _ = try blog.search(query)
        } catch is QueryError {
            // A clear message for the user is fine.
        }
    }

    @Test func tenKilobytesIsTooLong() throws {
        #expect(throws: QueryError.tooLong(limit: 512)) { try Self.blog.get().search(String(repeating: "Daten ", count: 1700)) }
    }

    /// A quote with a combining mark is one Character but still a quote to
    /// FTS5: found by the query fuzzer as an SQL-level "unterminated string".
    @Test func quotesWithCombiningMarksStayQuoted() throws {
        let blog = try Self.blog.get()
        for query in ["\"\u{65C}\u{FFFD}\u{FFFD}", "Daten\"\u{301}x", "\"\u{301}Köln\"\u{301}", "a \"\u{65C}"] {
            #expect(throws: Never.self) { try blog.search(query) }
            let expression = try SearchQuery(parsing: query).matchExpression(analyzer: GermanAnalyzer(forQueries: true)) ?? ""
            #expect(expression.unicodeScalars.filter { $0 == "\"" }.count % 2 == 0, "\(query)")
        }
    }

    /// Length counts Unicode scalars: combining marks do not hide inside one character.
    @Test func combiningMarksCountTowardTheLength() throws {
        let word = "a" + String(repeating: "\u{0301}", count: 40)
        let query = Array(repeating: word, count: 20).joined(separator: " ")
        #expect(query.count < 512)
        #expect(throws: QueryError.tooLong(limit: 512)) { try Self.blog.get().search(query) }
    }

    /// 170 one-letter prefixes took 10.8 s; now too many words for one query, and
    /// short prefixes are words.
    @Test func prefixFloodsAreRefusedAndShortPrefixesAreWords() throws {
        let blog = try Self.blog.get()
        let flood = (0..<170).map { _ in String("abcdefghijklmnopqrstuvwxyz".randomElement()!) + "*" }.joined(separator: " ")
        #expect(throws: QueryError.tooManyWords(limit: 32)) { try blog.search(flood) }
        let parsed = try SearchQuery(parsing: "k* ve* Verw*")
        #expect(parsed.groups.map { $0[0].kind } == [.word, .word, .prefix])
        #expect(try blog.search("Verw*").total > 0)
    }

    @Test func tagAndAuthorAreBounded() throws {
        let blog = try Self.blog.get()
        #expect(throws: QueryError.self) { try blog.search("Daten", author: String(repeating: "anna+", count: 15_000)) }
        #expect(throws: QueryError.self) { try blog.search("Daten", tags: Array(repeating: "x", count: 21)) }
        #expect(throws: QueryError.self) { try blog.search("Daten", tags: [String(repeating: "ö", count: 201)]) }
        #expect(try blog.search("Daten", author: String(repeating: "ö", count: 200)).total == 0)
    }

    /// A search past its time limit stops with a clear error, not a hang.
    @Test func aSearchPastItsDeadlineStops() throws {
        let site = try TemporarySite()
        let words = ["Daten", "Datenbank", "Datenschutz", "Datensatz", "Datum", "Dach", "Dame", "Dank"]
        for n in 0..<300 {
            let body = (0..<200).map { words[($0 * 7 + n) % words.count] + String($0 % 50) }.joined(separator: " ")
            try site.write("_posts/2020-01-01-p\(n).md", TemporarySite.post(body: body))
        }
        _ = try SearchIndex(path: site.indexPath, create: true).update(from: SiteReader(root: site.root))
        let hurried = try SearchIndex(path: site.indexPath, searchTimeLimit: .nanoseconds(1))
        #expect(throws: QueryError.tooExpensive(seconds: 1e-9)) { try hurried.search(SearchRequest(query: "Dat* Da*")) }
        #expect(try SearchIndex(path: site.indexPath).search(SearchRequest(query: "Dat*")).total == 300)
    }

    /// Random strings of syntax characters and words: only QueryError may come back.
    @Test func randomQueriesNeverFailInternally() throws {
        let blog = try Self.blog.get()
        let pieces = ["\"", "*", "-", "(", ")", ":", "^", "OR", "AND", "NOT", "NEAR", " ", "Köln", "Daten", "die",
                      "tag:", "{", "}", "'", ",", "+", "\u{0}", "ß", "Open-Data", "🙂", "\\"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1500 {
            let query = (0..<Int.random(in: 1...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            do {
                _ = try blog.search(query)
            } catch is QueryError {
            } catch {
                Issue.record("\(query.debugDescription): \(error)")
            }
        }
    }
}

@Suite struct SearchBehaviour {
    fileprivate static let blog = Result { try TestBlog() }

    @Test func umlautsTypedAnyWay() throws {
        let blog = try Self.blog.get()
        for query in ["Bürgerbeteiligung", "Buergerbeteiligung", "Burgerbeteiligung", "BÜRGERBETEILIGUNG"] {
            #expect(try blog.slugs(query) == ["beteiligung"], "\(query)")
        }
        #expect(try blog.slugs("Strasse") == ["strassen"])
        #expect(try blog.slugs("Behoerden").first == "behoerden")
    }

    @Test func inflectedFormsFindEachOther() throws {
        let blog = try Self.blog.get()
        #expect(Set(try blog.slugs("Verwaltung")) == ["haushalt", "strassen", "verwaltung"])
        #expect(Set(try blog.slugs("Verwaltungen")) == ["haushalt", "strassen", "verwaltung"])
        #expect(try blog.slugs("Bürgerinnen") == ["behoerden"])
    }

    @Test func phrasesPrefixesExclusionsAndOr() throws {
        let blog = try Self.blog.get()
        #expect(try blog.slugs(#""Recht auf Information""#) == ["beteiligung"])
        #expect(try blog.slugs(#""Information auf Recht""#).isEmpty)
        #expect(try blog.slugs("Bürgerbeteil*") == ["beteiligung"])
        #expect(try blog.slugs("Buergerbet*") == ["beteiligung"])
        #expect(Set(try blog.slugs("Verwaltung -Haushalt")) == ["strassen", "verwaltung"])
        #expect(Set(try blog.slugs("Radfahrer OR Schnittstellen")) == ["strassen", "verwaltung"])
        #expect(try blog.slugs("Open-Data-Portal") == ["strassen"])
        #expect(try blog.slugs("Opendataportal") == ["strassen"])
    }

    @Test func titleMatchesRankFirst() throws {
        // "Haushalt" is in one title and one body; the title's post comes first.
        #expect(try Self.blog.get().slugs("Haushalt").first == "haushalt")
        #expect(try Self.blog.get().slugs("Verwaltung").first == "verwaltung")
    }

    @Test func tagFiltersAllOrAnyFoldedWithCounts() throws {
        let blog = try Self.blog.get()
        #expect(Set(try blog.slugs("", tags: ["offene daten"])) == ["haushalt", "verwaltung"])
        #expect(try blog.slugs("", tags: ["Offene Daten", "haushalt"]) == ["haushalt"])
        #expect(Set(try blog.slugs("", tags: ["behoerden", "Verkehr"], anyTag: true)) == ["behoerden", "strassen"])
        #expect(try blog.slugs("Verwaltung tag:Verkehr") == ["strassen"])
        let facets = try blog.search("Verwaltung").facets.tags
        #expect(facets.first == SearchResults.TagCount(tag: "Offene Daten", count: 2))
        #expect(facets.count == 4)
    }

    @Test func authorAndDatesFilter() throws {
        let blog = try Self.blog.get()
        #expect(Set(try blog.search("Verwaltung", author: "Müller").hits.map(\.title)) == ["Straßen und Wege"])
        #expect(try blog.search("Verwaltung", author: "mueller").total == 1)
        #expect(try blog.search("Verwaltung", since: "2020-01-01").total == 2)
        #expect(try blog.search("Verwaltung", since: "2020-01-01", until: "2020-12-31").total == 1)
        #expect(throws: QueryError.invalidParameter(name: "since", value: "2020-13-01", expected: "a date as YYYY-MM-DD")) {
            try blog.search("Verwaltung", since: "2020-13-01")
        }
    }

    @Test func sortByDateAndPaginate() throws {
        let blog = try Self.blog.get()
        #expect(try blog.slugs("Verwaltung", sort: .date) == ["strassen", "haushalt", "verwaltung"])
        let page = try blog.search("Verwaltung", sort: .date, limit: 2, offset: 2)
        #expect(page.total == 3)
        #expect(page.hits.map(\.title) == ["Verwaltung digital"])
        #expect(throws: QueryError.self) { try blog.search("Verwaltung", limit: 101) }
        #expect(throws: QueryError.self) { try blog.search("Verwaltung", offset: 10_001) }
    }

    @Test func sameDayGoesToTheBetterMatchAndManyNearTiesToTheNewest() throws {
        let site = try TemporarySite()
        // Same day: by date, the post about the word comes first, whatever its id.
        try site.write("_posts/2021-03-03-b-nebenbei.md", TemporarySite.post(
            title: "Nebenbei", date: "2021-03-03", body: "Ein Text über Gärten, der einmal Radwege erwähnt."))
        try site.write("_posts/2021-03-03-a-radwege.md", TemporarySite.post(
            title: "Radwege", date: "2021-03-03", body: "Radwege, Radwege und noch mehr Radwege."))
        // Forty posts that match equally well: by relevance the newest come first.
        for day in 1...28 {
            try site.write("_posts/2020-02-\(String(format: "%02d", day))-gleich.md", TemporarySite.post(
                title: "Tag \(day)", date: "2020-02-\(String(format: "%02d", day))", body: "Gleiche Worte über Brücken."))
        }
        let index = try SearchIndex(path: site.indexPath, create: true)
        _ = try index.update(from: SiteReader(root: site.root))
        let byDate = try index.search(SearchRequest(query: "Radwege", sort: .date))
        #expect(byDate.hits.map(\.title) == ["Radwege", "Nebenbei"])
        let ties = try index.search(SearchRequest(query: "Brücken", limit: 3, offset: 1))
        #expect(ties.total == 28)
        #expect(ties.hits.map(\.title) == ["Tag 27", "Tag 26", "Tag 25"])
    }

    @Test func snippetsLocateTheOriginalWords() throws {
        let blog = try Self.blog.get()
        let snippet = try #require(try blog.search("Verwaltungen Tabellen").hits.first?.snippet)
        #expect(snippet.matchedWords.contains("Verwaltungen"))
        #expect(snippet.text.contains("& Tabellen <sofort>"))
        #expect(snippet.matchedWords.contains("Tabellen"))
        let umlaut = try #require(try blog.search("Buergerrecht").hits.first?.snippet)
        #expect(umlaut.matchedWords.contains("Bürgerrecht"))
        #expect(try blog.search("Buergerinnen").hits.first?.snippet.matchedWords.contains("Bürger*innen") == true)
    }

    @Test func vagueQueriesFallBackToAnyWord() throws {
        let blog = try Self.blog.get()
        let results = try blog.search("Radfahrer Schnittstellen Gartenzwerge")
        #expect(results.relaxed)
        #expect(Set(results.hits.map(\.title)) == ["Straßen und Wege", "Verwaltung digital"])
        #expect(try blog.search("Radfahrer Straßen").relaxed == false)
    }

    @Test func namesWithSymbolsAreSearchedAsThemselves() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post(title: "Werkzeuge", body: "Wir schreiben F# und C++ für die Verwaltung."))
        try site.write("_posts/2020-01-02-b.md", TemporarySite.post(title: "Anderes", body: "Ein Plan F für die Verwaltung, Variante C."))
        let index = try SearchIndex(path: site.indexPath, create: true)
        _ = try index.update(from: SiteReader(root: site.root))
        #expect(try index.search(SearchRequest(query: "F#")).hits.map(\.title) == ["Werkzeuge"])
        #expect(try index.search(SearchRequest(query: "C++")).hits.map(\.title) == ["Werkzeuge"])
        #expect(try index.search(SearchRequest(query: "F")).hits.map(\.title) == ["Anderes"])
    }

    /// A word no post has is searched as the closest indexed word (one edit for
    /// 5–8 letters, two from 9) and the results say so; shorter ones are only suggested.
    @Test func typosAreCorrectedAndShortOnesSuggested() throws {
        let blog = try Self.blog.get()
        let results = try blog.search("Informationsfreihiet")
        #expect(results.total == 1)
        #expect(results.corrected == "Informationsfreiheit")
        #expect(results.suggestion == nil)
        #expect(try blog.search("Radfahrr").corrected == "Radfahrer")
        #expect(try blog.search("Haushalt Radfahrr").corrected == "Haushalt Radfahrer")
        let short = try blog.search("Kölm")
        #expect(short.total == 0 && short.corrected == nil)
        #expect(short.suggestion == "Köln")
        #expect(try blog.search("Verwaltung").corrected == nil)
        #expect(try blog.search("12345678").corrected == nil)
    }

}
