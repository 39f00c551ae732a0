import Foundation
import Testing
@testable import VolltextIndex
import VolltextAnalysis
import VolltextSite
import VolltextTestSupport

/// okfn-de indexed once for these tests.
private final class RealBlog: Sendable {
    let site: TemporarySite
    let index: SearchIndex

    init() throws {
        site = try TemporarySite()
        site.removeAtExit()
        index = try SearchIndex(path: site.indexPath, create: true)
        _ = try index.update(from: SiteReader(root: SharedData.url("corpus/okfn-de")))
    }

    /// Every hit's path, page by page.
    func paths(_ query: String) throws -> [String] {
        var paths: [String] = []
        while true {
            let results = try index.search(SearchRequest(query: query, limit: 100, offset: paths.count))
            paths += results.hits.map(\.path)
            if results.hits.isEmpty || paths.count >= results.total { return paths }
        }
    }

    /// Published posts whose text has one of the words `with` and none of `without`
    /// (whole words, any case, outside link targets): an independent reading of the files.
    func posts(with: Set<String>, without: Set<String>) throws -> Set<String> {
        let root = try SharedData.url("corpus/okfn-de")
        let reader = try SiteReader(root: root)
        var found = Set<String>()
        for file in try reader.postFiles() {
            let text = try String(contentsOf: root.appendingPathComponent(file.path), encoding: .utf8)
            guard !text.contains("published: false") else { continue }
            // Link targets are no text a reader sees.
            let visible = text.replacingOccurrences(of: "https?://[^\\s)\"'>]+", with: " ", options: .regularExpression)
            let words = Set(visible.precomposedStringWithCanonicalMapping.lowercased().split { !$0.isLetter }.map(String.init))
            if !words.isDisjoint(with: with) && words.isDisjoint(with: without) { found.insert(file.path) }
        }
        return found
    }

    func vocabulary() throws -> Vocabulary.Snapshot {
        try index.database.read { db in try index.vocabularyTable.snapshot(generation: SearchIndex.generation(db), db: db) }
    }
}

/// Compound parts, verb forms and typos on the real posts of okfn-de, with
/// words taken from them.
@Suite(.enabled(if: SharedData.isUsable, Comment(rawValue: SharedData.skipMessage)))
struct GermanMatchingOnRealPosts {
    fileprivate static let blog = Result { try RealBlog() }

    @Test func aPartFindsTheCompound() throws {
        let blog = try Self.blog.get()
        // Every post that says "Datenschule" but never "Schule" or "Schulen" is found by "Schule".
        let datenschule = try blog.posts(with: ["datenschule"], without: ["schule", "schulen"])
        #expect(datenschule.count >= 10)
        #expect(datenschule.isSubset(of: Set(try blog.paths("Schule"))))
        // Likewise "Klimaschutz", "Klimawandel" for "Klima".
        let klima = try blog.posts(with: ["klimaschutz", "klimawandel"], without: ["klima"])
        #expect(klima.count >= 3)
        #expect(klima.isSubset(of: Set(try blog.paths("Klima"))))
        // The snippet marks the compound that matched.
        let hit = try #require(try blog.index.search(SearchRequest(query: "Schule", limit: 100)).hits
            .first { $0.path.hasSuffix("stellenausschreibung-assistenz-der-geschäftsführung.md") })
        #expect(hit.snippet.matchedWords.contains("Datenschule"))
    }

    @Test func theCompoundFindsItsPartsAndTheExactWordRanksFirst() throws {
        let blog = try Self.blog.get()
        // No post says "Stadtratssitzung"; one has "Stadträte" and "Sitzungen".
        let results = try blog.index.search(SearchRequest(query: "Stadtratssitzung"))
        #expect(results.total >= 1)
        // "Transparenzgesetz": the posts that say it come first, then those with only its parts.
        let paths = try blog.paths("Transparenzgesetz")
        let exact = try paths.map {
            try String(contentsOf: SharedData.url("corpus/okfn-de/" + $0), encoding: .utf8).lowercased().contains("transparenzgesetz")
        }
        #expect(exact.prefix(10).allSatisfy { $0 })
        #expect(exact.contains(false), "posts with only the parts are found too")
    }

    /// Words of these posts whose look-alike splits would be wrong.
    @Test func falseSplitsAreGuarded() throws {
        let vocabulary = try Self.blog.get().vocabulary()
        let stemmer = SnowballGermanStemmer()
        func compounds(_ word: String) -> [String] {
            WordVariants.compounds(folded: word, stem: stemmer.stem(word), in: vocabulary, stemmer: stemmer)
        }
        #expect(vocabulary.documents("kandidat") > 0 && vocabulary.documents("student") > 0 && vocabulary.documents("berat") > 0)
        #expect(!compounds("daten").contains { $0.contains("kandidat") })  // not Kandi + Daten
        #expect(!compounds("enten").contains { $0.contains("student") })   // not Stud + Enten
        #expect(!compounds("ratung").contains { $0.contains("berat") })    // not Be + Rat
        #expect(compounds("rat").isEmpty)                                   // too short to be a part
        #expect(compounds("schule").contains("datenschul"))
        #expect(WordVariants.split(folded: "kandidaten", in: vocabulary, stemmer: stemmer) == nil)
        #expect(WordVariants.split(folded: "beratung", in: vocabulary, stemmer: stemmer) == nil)
    }

    @Test func verbFormsMeetWithoutMergingOtherWords() throws {
        let blog = try Self.blog.get()
        // Every post with "veröffentlicht" but never "veröffentlichen" is found by "veröffentlichen", and so on.
        for (query, with, without) in [
            ("veröffentlichen", ["veröffentlicht", "veröffentlichte"], ["veröffentlichen"]),
            ("beantragen", ["beantragt"], ["beantragen"]),
            ("gefordert", ["fordern", "fordert"], ["gefordert"]),
        ] {
            let only = try blog.posts(with: Set(with), without: Set(without))
            #expect(only.count >= 3, "\(query)")
            #expect(only.isSubset(of: Set(try blog.paths(query))), "\(query)")
        }
        let vocabulary = try blog.vocabulary()
        let stemmer = SnowballGermanStemmer()
        for word in ["stadt", "statt", "rat", "rate", "recht", "daten", "kandidaten", "projekten"] {
            #expect(WordVariants.verbForms(folded: word, stem: stemmer.stem(word), in: vocabulary, stemmer: stemmer).isEmpty, "\(word)")
        }
    }

    @Test func typosZeroWidthAndQueriesWithoutWords() throws {
        let index = try Self.blog.get().index
        let typo = try index.search(SearchRequest(query: "Informationsfreiheti"))
        #expect(typo.corrected == "Informationsfreiheit" && typo.total > 10)
        let exact = try index.search(SearchRequest(query: "Informationsfreiheit"))
        #expect(exact.corrected == nil)
        // (Computed outside #expect, whose expansion does not keep these escapes as written.)
        let zeroWidth = try index.search(SearchRequest(query: "Informations\u{200B}freiheit")).total
        let softHyphen = try index.search(SearchRequest(query: "Informations\u{00AD}frei\u{2060}heit")).total
        #expect(zeroWidth == exact.total && softHyphen == exact.total)
        for query in ["*", "-", "\"", "OR", "!!!", "* OR -"] {
            #expect(try index.search(SearchRequest(query: query)).total == 0, "\(query)")
        }
        let tagged = try index.search(SearchRequest(query: "*", tags: ["Open Data"], limit: 5))
        #expect(tagged.total > 10)
        #expect(tagged.hits.map(\.date) == tagged.hits.map(\.date).sorted(by: >))
        #expect(throws: QueryError.empty) { try index.search(SearchRequest(query: "  ")) }
    }
}
