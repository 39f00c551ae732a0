import Foundation
import Testing
@testable import VolltextIndex
import VolltextSite
import VolltextTestSupport

/// ``WordLayoutCache`` keeps the word ranges of bodies shown in snippets; a
/// snippet from them must be the one read afresh, and never from an old body.
@Suite struct WordLayouts {
    private func ranges(words: Int, complete: Bool = true) -> WordRanges {
        var ranges = WordRanges()
        for word in 0..<words { ranges.append(start: word * 6, end: word * 6 + 5) }
        ranges.isComplete = complete
        return ranges
    }

    @Test func theCacheStaysWithinItsBudgetOldestFirst() {
        let cache = WordLayoutCache(byteLimit: 20_000)
        for id in 0..<100 { cache.store(ranges(words: 250), of: Int64(id), generation: "g") }  // about 2 KB each
        #expect(cache.count > 0 && cache.count < 10)
        #expect(cache.ranges(of: 99, generation: "g")?.count == 250, "the newest entry is kept")
        #expect(cache.ranges(of: 0, generation: "g") == nil, "the oldest entries went first")
        // Larger than the whole budget: not kept, and nothing else is evicted for it.
        let before = cache.count
        cache.store(ranges(words: 10_000), of: 1_000, generation: "g")
        #expect(cache.ranges(of: 1_000, generation: "g") == nil)
        #expect(cache.count == before)
    }

    @Test func aLongerReadingReplacesAShorterOneAndNotTheOtherWayRound() {
        let cache = WordLayoutCache()
        cache.store(ranges(words: 10, complete: false), of: 7, generation: "g")
        cache.store(ranges(words: 40, complete: false), of: 7, generation: "g")
        #expect(cache.ranges(of: 7, generation: "g")?.count == 40)
        cache.store(ranges(words: 20, complete: false), of: 7, generation: "g")
        #expect(cache.ranges(of: 7, generation: "g")?.count == 40)
        cache.store(ranges(words: 40, complete: true), of: 7, generation: "g")
        #expect(cache.ranges(of: 7, generation: "g")?.isComplete == true)
        #expect(cache.count == 1)
    }

    @Test func anotherGenerationSeesNothingOfTheOld() {
        let cache = WordLayoutCache()
        cache.store(ranges(words: 10), of: 1, generation: "old")
        #expect(cache.ranges(of: 1, generation: "new") == nil)
        cache.store(ranges(words: 5), of: 2, generation: "new")
        #expect(cache.ranges(of: 1, generation: "old") == nil, "the old generation's entries were dropped")
        #expect(cache.count == 1)
    }

    /// A post edited so that its matched word moves: the same index object
    /// (as a server holds) must mark the word where it now is.
    @Test func aReindexedBodyIsReadAgain() throws {
        let site = try TemporarySite()
        let path = "_posts/2020-01-01-a.md"
        try site.write(path, TemporarySite.post(body: "Die Stadt veröffentlicht ihren Haushalt als offene Daten."))
        let index = try SearchIndex(path: site.indexPath, create: true)
        _ = try index.update(from: SiteReader(root: site.root))
        #expect(try index.search(SearchRequest(query: "Haushalt")).hits.first?.snippet.matchedWords == ["Haushalt"])
        #expect(index.wordLayouts.count == 1)
        try site.write(path, TemporarySite.post(body: "Im Rathaus liegt seit Montag der neue Haushaltsplan der Stadt aus: Haushalt 2021."))
        _ = try index.update(from: SiteReader(root: site.root))
        let snippet = try #require(try index.search(SearchRequest(query: "Haushalt")).hits.first?.snippet)
        #expect(snippet.matchedWords == ["Haushalt"])
        #expect(snippet.text.contains("Haushalt 2021"))
    }
}
