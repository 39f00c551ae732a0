import Foundation
import Testing
import VolltextAnalysis
import VolltextTestSupport


/// The terms of a text, stopwords included.
private func terms(_ text: String, form: GermanAnalyzer.TermForm = .stemmed) -> [String] {
    GermanAnalyzer().terms(in: text, form: form)
}

/// The terms a single word yields, for "these spellings are the same word" checks.
private func term(_ word: String) -> String {
    let found = terms(word)
    #expect(found.count == 1, "\(word) gave \(found)")
    return found.first ?? ""
}

@Suite("1. Unicode")
struct UnicodeRules {
    @Test func nfdEqualsNFC() {
        #expect(term("Mu\u{308}ller") == term("Müller"))
        #expect(term("Bu\u{308}rgerbeteiligung") == term("Bürgerbeteiligung"))
        #expect(term("Cafe\u{301}") == term("Café"))
    }

    @Test func nfdKeepsByteOffsetsOfTheOriginal() {
        let text = "Die Mu\u{308}ller"
        let tokens = GermanAnalyzer().tokens(in: text)
        #expect(tokens.last?.original == "Mu\u{308}ller")
        #expect(tokens.last?.start == 4)
        #expect(tokens.last?.end == text.utf8.count)
    }

    @Test func fullUnicodeLowerCasing() {
        #expect(term("STRAẞE") == term("straße"))
        #expect(term("ÖFFENTLICHKEIT") == term("Öffentlichkeit"))
        #expect(term("ΑΘΗΝΑ") == term("αθηνα"))
    }

    @Test func noBreakSpaceSeparatesWords() {
        #expect(terms("Open\u{A0}Data") == ["open", "data"])
        #expect(terms("10\u{A0}000\u{202F}Euro").count == 3)
    }

    @Test(arguments: ["\u{AD}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}"])
    func invisibleCharactersInsideWordsAreIgnored(invisible: String) {
        let tokens = GermanAnalyzer().tokens(in: "Ver\(invisible)waltung")
        #expect(tokens.map(\.term) == [term("Verwaltung")])
        #expect(tokens.first?.original == "Ver\(invisible)waltung")
    }
}

@Suite("2. Words")
struct WordRules {
    /// Names that tech and civic blogs use keep their symbols: F# is not f.
    @Test func namesWithSymbolsStayWhole() {
        #expect(terms("C# und F# oder C++, auch Notepad++.") == ["c#", "und", "f#", "oder", "c++", "auch", "notepad++"])
        #expect(terms("Wir suchen C#-Entwickler") == ["wir", "such", "c#", "entwickl"])
        // Not names: a longer word before #, a letter right after, a single +.
        #expect(terms("Tag#1 ab#c a+b") == ["tag", "1", "ab", "c", "a", "b"])
        let tokens = GermanAnalyzer().tokens(in: "Mit C++ programmiert")
        #expect(tokens[1].term == "c++" && tokens[1].start == 4 && tokens[1].end == 7 && !tokens[1].isStopword)
    }

    @Test func numbersAndAlphanumericsStaySearchable() {
        #expect(terms("G20 2017 Web2.0 1.000.000 3,5") == ["g20", "2017", "web2.0", "1.000.000", "3,5"])
        // A full stop after a number ends the sentence, not the number.
        #expect(terms("im Jahr 2017. Dann") == ["im", "jahr", "2017", "dann"])
    }

    @Test func hyphenatedCompoundIsSearchableByWholeAndParts() {
        let tokens = GermanAnalyzer().tokens(in: "das Open-Data-Portal")
        #expect(tokens.map(\.term) == ["das", "open", "opendataportal", "data", "portal"])
        #expect(tokens.map(\.position) == [0, 1, 1, 2, 3])
        #expect(tokens.map(\.kind) == [.word, .compoundPart, .compound, .compoundPart, .compoundPart])
        #expect(tokens.map(\.original) == ["das", "Open", "Open-Data-Portal", "Data", "Portal"])
        // The whole matches the same word written without hyphens.
        #expect(term("Opendataportal") == "opendataportal")
        #expect(terms("E-Mail").contains(term("Email")))
        #expect(terms("Datenschutz-Grundverordnung").contains(term("Datenschutzgrundverordnung")))
    }

    @Test func dashesAndDanglingHyphensSeparate() {
        #expect(terms("Ex- und Import") == ["ex", "und", "import"])
        #expect(terms("Berlin – Hamburg") == ["berlin", "hamburg"])
        #expect(terms("Berlin - Hamburg") == ["berlin", "hamburg"])
    }

    @Test(arguments: ["Bürger*innen", "Bürger:innen", "Bürger_innen", "BürgerInnen", "Bürger/innen", "Bürger·innen"])
    func genderFormsAnalyseLikeBuergerinnen(form: String) {
        let tokens = GermanAnalyzer().tokens(in: form)
        #expect(tokens.map(\.term) == [term("Bürgerinnen")])
        #expect(tokens.first?.original == form)
    }

    @Test func genderMarkWithoutFeminineEndingSeparates() {
        #expect(terms("Input/Output") == ["input", "output"])
        #expect(terms("Hinweis: Infos") == [term("Hinweis"), term("Infos")])
        #expect(terms("Mitarbeiter*in") == [term("Mitarbeiterin")])
    }

    @Test func apostrophesDoNotSplitWords() {
        #expect(terms("geht's") == ["geht"])
        #expect(terms("Tim's Blog") == ["tim", "blog"])
        #expect(terms("Tim’s Blog") == ["tim", "blog"])
        #expect(terms("'Zitat'") == ["zitat"])
    }
}

@Suite("3. Umlauts and ß")
struct UmlautRules {
    @Test(arguments: [
        ["Müller", "Mueller", "Muller", "MÜLLER"],
        ["Straße", "Strasse", "STRASSE"],
        ["Bürgerbeteiligung", "Buergerbeteiligung", "Burgerbeteiligung"],
        ["Behörden", "Behoerden", "Behorden"],
        ["Änderungen", "Aenderungen", "Anderungen"],
        ["Öffentlichkeit", "Oeffentlichkeit", "Offentlichkeit"],
    ])
    func spellingsOfOneWordAgree(spellings: [String]) {
        let found = Set(spellings.map(term))
        #expect(found.count == 1, "\(spellings) → \(found)")
    }

    /// ue/ae inside these words is no umlaut: the analyzer must add no damage
    /// beyond what the Snowball stemmer itself does, and keep them apart.
    @Test func wordsWithVowelPairsStayDistinct() {
        let stemmer = SnowballGermanStemmer()
        for word in ["Quelle", "Israel", "Michael", "neue", "Bauer", "Feuer", "Trauer", "aktuell"] {
            #expect(term(word) == stemmer.stem(word.lowercased()))
        }
        #expect(term("Quelle") != term("Qulle"))
        #expect(term("neue") == term("neu"))
        #expect(Set(["Israel", "Michael", "Quelle", "Feuer", "neue"].map(term)).count == 5)
    }

    @Test func otherAccentsFold() {
        #expect(term("Café") == term("Cafe"))
        #expect(term("Ångström") == term("Angström"))
        #expect(term("Łódź") == term("Lodz"))
    }
}

@Suite("4. Stemming")
struct StemmingRules {
    @Test(arguments: [
        ("Verwaltungen", "Verwaltung"), ("Häuser", "Haus"), ("Städte", "Stadt"),
        ("Informationen", "Information"), ("Gesetze", "Gesetzes"),
        ("Bürgerinnen", "Bürger"), ("Lehrerin", "Lehrer"), ("öffentlichen", "Öffentlichkeit"),
    ])
    func inflectedFormsMeet(inflected: String, base: String) {
        #expect(term(inflected) == term(base))
    }

    @Test func snowballKeepsSomeFormsApart() {
        // -um/-en plurals are no suffixes to Snowball: a known limit of the algorithm.
        #expect(term("Daten") != term("Datum"))
    }

    @Test func wordsWithDigitsAreFoldedNotStemmed() {
        #expect(term("2017er") == "2017er")
        #expect(term("Straße2") == "strasse2")
    }

    @Test func foldedFormKeepsWholeWordsForPrefixes() {
        let whole = terms("Bürgerbeteiligung", form: .folded)
        #expect(whole == ["burgerbeteiligung"])
        for prefix in ["Bürgerbeteil", "Buergerbet", "Burgerbeteilig"] {
            let folded = terms(prefix, form: .folded)
            #expect(folded.count == 1 && whole[0].hasPrefix(folded[0]), "\(prefix) → \(folded)")
        }
    }
}

@Suite("5. Stopwords")
struct StopwordRules {
    @Test func stopwordsAreKeptButMarked() {
        let tokens = GermanAnalyzer().tokens(in: "Recht auf Information")
        #expect(tokens.map(\.term) == ["recht", "auf", "information"])
        #expect(tokens.map(\.position) == [0, 1, 2])
        #expect(tokens.map(\.isStopword) == [false, true, false])
    }

    @Test(arguments: ["die", "Und", "für", "fuer", "dass", "daß", "über", "ueber", "the", "and", "of"])
    func germanAndEnglishStopwords(word: String) {
        #expect(GermanAnalyzer().tokens(in: word).first?.isStopword == true)
    }

    @Test(arguments: ["Weg", "IT", "US", "WHO", "Daten", "Recht", "ändern", "Haus"])
    func contentWordsAreNoStopwords(word: String) {
        #expect(GermanAnalyzer().tokens(in: word).first?.isStopword == false)
    }
}

@Suite("Robustness")
struct RobustnessRules {
    @Test func invalidUTF8SeparatesWords() {
        let bytes: [UInt8] = Array("Daten".utf8) + [0xFF, 0xC3] + Array("Schutz".utf8) + [0xE2, 0x82]
        var found: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            GermanAnalyzer().analyze(utf8: buffer) { found.append($0.text) }
        }
        #expect(found == ["dat", "schutz"])
    }

    @Test func overlongWordsYieldNoTerm() {
        let long = String(repeating: "a", count: 100_000)
        #expect(terms("vor \(long) nach") == ["vor", "nach"])
        #expect(terms("Open-\(long)") == ["open"])
        let limit = String(repeating: "x", count: GermanAnalyzer.maxWordLength)
        #expect(terms(limit).count == 1)
    }

    @Test func emptyAndSeparatorOnlyTextsYieldNothing() {
        #expect(terms("").isEmpty)
        #expect(terms(" -- *** ’ 🙂 \u{AD}").isEmpty)
    }

    @Test func termsOfEveryRealPostKeepTheirInvariants() throws {
        try #require(SharedData.isUsable, Comment(rawValue: SharedData.skipMessage))
        let posts = try RealPosts.all()
        #expect(posts.count > 400)
        let analyzer = GermanAnalyzer()
        var total = 0
        for post in posts {
            var previous = -1
            post.withUnsafeBufferPointer { bytes in
                analyzer.analyze(utf8: bytes) { term in
                    total += 1
                    #expect(term.start < term.end && term.end <= bytes.count)
                    // Ranges start and end on scalar boundaries, never inside a UTF-8 sequence.
                    #expect(bytes[term.start] & 0xC0 != 0x80)
                    #expect(term.end == bytes.count || bytes[term.end] & 0xC0 != 0x80)
                    #expect(term.withUTF8(\.count) > 0)
                    #expect(term.isColocated ? term.position == previous : term.position == previous + 1)
                    previous = term.position
                }
            }
        }
        #expect(total > 250_000)
    }
}

/// The real posts in ../shared/corpus, as bytes.
enum RealPosts {
    static func all() throws -> [[UInt8]] {
        let corpus = try SharedData.url("corpus")
        let files = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }
            .filter { ["md", "markdown"].contains($0.pathExtension) }
        return try files.map { try Array(Data(contentsOf: $0)) }
    }
}

@Suite("Term cache")
struct TermCacheRules {
    /// A long-lived analyzer answers frequent words from its cache; its terms
    /// must equal those of a fresh analyzer for every post.
    @Test func warmAnalyzerAgreesWithFreshOnes() throws {
        try #require(SharedData.isUsable, Comment(rawValue: SharedData.skipMessage))
        let warm = GermanAnalyzer()
        var differing = 0
        for post in try RealPosts.all() {
            let text = String(decoding: post, as: UTF8.self)
            if warm.tokens(in: text) != GermanAnalyzer().tokens(in: text) { differing += 1 }
        }
        #expect(differing == 0)
    }

    @Test func stopwordFlagSurvivesTheCache() {
        let analyzer = GermanAnalyzer()
        for _ in 0..<3 {
            #expect(analyzer.tokens(in: "die Daten").map(\.isStopword) == [true, false])
        }
    }
}

@Suite("Word ranges for highlighting")
struct WordRangeRules {
    /// snippet() and highlight() count positions with `wordRanges`; they must be
    /// exactly the positions `analyze` gave the index, or marks would shift.
    @Test func wordRangesMatchAnalyzedPositions() throws {
        try #require(SharedData.isUsable, Comment(rawValue: SharedData.skipMessage))
        let edges = [
            "Die Open-Data-Portale der Bürger*innen, Mu\u{308}ller und \(String(repeating: "x", count: 200)) G20",
            // Ligatures fold to two letters: 127 of them pass the length limit only when folded.
            String(repeating: "æ", count: 64) + " " + String(repeating: "a", count: 127) + "æ " + String(repeating: "İ", count: 65),
            "geht's 3,5 1.000 Web2.0 Ex- und E-Mail Ver\u{AD}waltung \u{FF}",
            // Where an ASCII word's end is decided by what follows it.
            "C# F# C++ Notepad++ a#b x+y C#. a'b a.b a,b 1.000. 1,5, a*innen a:b a/b a_b a·b a-b a-. a\u{200B}b ab\u{AD}c ab\u{308} x\u{2019}s (Ä) [Ab]",
            String(repeating: "a", count: 128) + " " + String(repeating: "b", count: 129) + "." + String(repeating: "c", count: 128),
            // Umlauts and ß inside the fast path; what ends such a word.
            "Ärger, Übel. Straße- und Grüße-Karte öl:innen Öl: Maß 3.5ä Füße. ä1,5 1ä,5 Ü'ber Mü\u{308}ll ÄÖÜß#",
            String(repeating: "ä", count: 128) + " " + String(repeating: "ß", count: 129) + ". " + String(repeating: "a", count: 127) + "ü",
        ]
        let texts = try RealPosts.all() + edges.map { Array($0.utf8) }
        let analyzer = GermanAnalyzer()
        for text in texts {
            var analyzed: [Range<Int>] = [], ranges: [Range<Int>] = []
            text.withUnsafeBufferPointer { bytes in
                analyzer.analyze(utf8: bytes) { term in if !term.isColocated { analyzed.append(term.start..<term.end) } }
                analyzer.wordRanges(utf8: bytes) { ranges.append($0..<$1) }
            }
            #expect(analyzed == ranges)
        }
    }
}
