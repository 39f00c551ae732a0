import Foundation
import Testing
import VolltextIndex
import VolltextPresentation
import VolltextSite
import VolltextTestSupport

/// The search JSON is a contract sites parse: these queries over the example
/// blog must give exactly the bytes in `Pinned/search.jsonl`, one line per query.
/// Regenerate (only for a deliberate, documented change) with
/// `VOLLTEXT_WRITE_PINNED=1 swift test --filter PinnedJSONTests`.
@Suite struct PinnedJSONTests {
    static let requests: [SearchRequest] = [
        SearchRequest(query: "Buergerbeteiligung"),
        SearchRequest(query: "Strassennamen"),
        SearchRequest(query: "offene Daten", limit: 5),
        SearchRequest(query: "daten", sort: .date, limit: 3, offset: 2),
        SearchRequest(query: "Verwaltungen"),
        SearchRequest(query: "Schule"),
        SearchRequest(query: "\"offene Daten\" -Haushalt"),
        SearchRequest(query: "Haush*"),
        SearchRequest(query: "Radwege OR Fahrplan"),
        SearchRequest(query: "Bürgerbeteilgung"),
        SearchRequest(query: "Baumkatastr"),
        SearchRequest(query: "xyzzyquux"),
        SearchRequest(query: "<script>alert('x')</script> & \"Daten\""),
        SearchRequest(query: "", tags: ["open data"]),
        SearchRequest(query: "Daten", tags: ["Schulen", "Open Data"], anyTag: true),
        SearchRequest(query: "Daten", author: "Mara Öztürk"),
        SearchRequest(query: "Daten", since: "2024-06-01", until: "2024-12-31"),
        SearchRequest(query: "data", lang: "en"),
        SearchRequest(query: "Wahlergebnisse tag:Wahlen"),
        SearchRequest(query: "C++ OR E-Mail"),
    ]

    static let pinnedFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Pinned/search.jsonl")

    @Test func searchJSONIsByteIdentical() throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/blog")
        let folder = try TemporarySite()
        let index = try SearchIndex(path: folder.indexPath, create: true)
        _ = try index.update(from: SiteReader(root: example))
        var lines: [String] = []
        for request in Self.requests {
            lines.append(String(decoding: SearchResultsJSON.data(try index.search(request)), as: UTF8.self))
        }
        let actual = lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["VOLLTEXT_WRITE_PINNED"] == "1" {
            try actual.write(to: Self.pinnedFile, atomically: true, encoding: .utf8)
        }
        let pinned = try String(contentsOf: Self.pinnedFile, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for (n, line) in actual.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            #expect(n < pinned.count && line == pinned[n], "query \(n): \(n < Self.requests.count ? Self.requests[n].query : "")")
        }
        #expect(pinned.count == lines.count + 1)
        // The documented fields, plus `relaxed` and `corrected`.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["query", "total", "offset", "limit", "hits", "facets", "suggestion", "relaxed", "corrected"])
        let hit = try #require((object["hits"] as? [[String: Any]])?.first)
        #expect(Set(hit.keys) == ["path", "url", "title", "date", "authors", "tags", "score", "snippet"])
    }
}

@Suite struct JSONWriting {
    /// The hand-written JSON must equal JSONEncoder's with sorted keys, byte for byte.
    @Test func resultsJSONEqualsJSONEncoder() throws {
        struct Hit: Encodable { var path, url, title, date: String; var authors, tags: [String]; var score: Double; var snippet: String }
        struct Facets: Encodable { var tags: [SearchResults.TagCount] }
        struct Results: Encodable {
            var query: String; var total, offset, limit: Int; var hits: [Hit]; var facets: Facets
            var suggestion: String?; var corrected: String?; var relaxed: Bool
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(query, forKey: .query); try container.encode(total, forKey: .total)
                try container.encode(offset, forKey: .offset); try container.encode(limit, forKey: .limit)
                try container.encode(hits, forKey: .hits); try container.encode(facets, forKey: .facets)
                try container.encode(suggestion, forKey: .suggestion); try container.encode(corrected, forKey: .corrected)
                try container.encode(relaxed, forKey: .relaxed)
            }
            enum CodingKeys: CodingKey { case query, total, offset, limit, hits, facets, suggestion, corrected, relaxed }
        }
        let snippet = Snippet(text: "Ä & \u{1} <b>", matches: [0..<2])
        let hit = SearchResults.Hit(path: "_posts/a \"b\".md", url: "/a/b/", title: "Tab\there\nnew \\ line", date: "2024-01-01",
                                    authors: ["Anna Müller", "Ben \"B\""], tags: [], score: 4.047, snippet: snippet)
        let results = SearchResults(query: "Ä \"x\"", total: 1, offset: 0, limit: 10, hits: [hit],
                                    facets: .init(tags: [.init(tag: "Offene Daten", count: 3)]), suggestion: nil, corrected: "Ö")
        let expected = Results(
            query: "Ä \"x\"", total: 1, offset: 0, limit: 10,
            hits: [Hit(path: hit.path, url: hit.url, title: hit.title, date: hit.date, authors: hit.authors, tags: [],
                       score: 4.047, snippet: "<mark>Ä</mark> &amp; \u{1} &lt;b&gt;")],
            facets: Facets(tags: [.init(tag: "Offene Daten", count: 3)]), suggestion: nil, corrected: "Ö", relaxed: false)
        #expect(String(decoding: SearchResultsJSON.data(results), as: UTF8.self) == (try WireJSON.string(expected)))
    }

    @Test func snippetsAreEscapedAroundTheirMarks() {
        #expect(SnippetHTML.html(Snippet(text: "a <b> & 'c' \"d\"", matches: [2..<5, 8..<11])) == "a <mark>&lt;b&gt;</mark> &amp; <mark>&#39;c&#39;</mark> &quot;d&quot;")
        // Ranges out of order or out of bounds are skipped, never trap.
        #expect(SnippetHTML.html(Snippet(text: "abc", matches: [1..<2, 0..<1, 2..<9])) == "a<mark>b</mark>c")
    }
}
