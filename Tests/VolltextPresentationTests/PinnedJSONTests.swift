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
    }
}
