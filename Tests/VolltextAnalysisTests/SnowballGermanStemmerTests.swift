import Foundation
import Testing
import VolltextAnalysis
import VolltextTestSupport

@Suite struct SnowballGermanStemmerTests {
    @Test(
        "Agrees with Snowball's output.txt on every line of voc.txt",
        .enabled(if: SharedData.isUsable, Comment(rawValue: SharedData.skipMessage))
    )
    func wholeVocabulary() throws {
        let folder = "stemmer/snowball-german"
        let words = try lines(of: SharedData.url("\(folder)/voc.txt"))
        let stems = try lines(of: SharedData.url("\(folder)/output.txt"))
        #expect(words.count == 35_033)
        try #require(words.count == stems.count)
        let stemmer = SnowballGermanStemmer()
        var mismatches: [String] = []
        for (line, (word, expected)) in zip(words, stems).enumerated() {
            let stem = stemmer.stem(word)
            if stem != expected { mismatches.append("line \(line + 1): \(word) → \(stem), expected \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(20).joined(separator: "; "))")
    }

    @Test(arguments: [
        ("häuser", "haus"), ("straße", "strass"), ("strasse", "strass"),
        ("verwaltungen", "verwalt"), ("verwaltung", "verwalt"),
        ("müller", "mull"), ("mueller", "mull"), ("muller", "mull"),
        ("bürgerinnen", "burg"), ("lehrerin", "lehr"), ("systemen", "system"),
        ("wechseln", "wechsel"), ("abgeleitet", "abgeleit"), ("internet", "internet"),
        ("aktuell", "aktull"), ("quelle", "quell"), ("neue", "neu"),
        ("geht's", "geht"), ("tim's", "tim"), ("ergebnisse", "ergebnis"),
    ])
    func realWords(word: String, stem: String) {
        #expect(SnowballGermanStemmer().stem(word) == stem)
    }

    @Test func shortAndEmptyWordsPassThrough() {
        let stemmer = SnowballGermanStemmer()
        #expect(stemmer.stem("") == "")
        #expect(stemmer.stem("a") == "a")
        #expect(stemmer.stem("ß") == "ss")
    }

    @Test func longWordsGrowTheScratchBuffer() {
        let stemmer = SnowballGermanStemmer()
        let word = String(repeating: "straße", count: 20_000) + "n"
        let stem = stemmer.stem(word)
        #expect(stem.hasPrefix("strasse"))
        #expect(stem.unicodeScalars.count > 100_000)
    }

    private func lines(of url: URL) throws -> [String] {
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
