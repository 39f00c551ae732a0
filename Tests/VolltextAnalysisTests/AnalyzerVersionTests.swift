import Testing
import VolltextAnalysis

/// An index stores the analyzer's terms; when they change, old indexes must be
/// re-tokenized, which happens only if ``GermanAnalyzer/version`` changes too.
/// This test fails when the analyzer's output over a fixed German text changes
/// while the version stays: bump the version and record the new fingerprint.
@Suite struct AnalyzerVersionTests {
    /// Fingerprints of the output over ``text``, by version.
    static let recorded: [String: UInt64] = [
        "4": 0x86f1_9250_d15c_2c93,
    ]

    /// Written for this test: umlauts and ß in every spelling, compounds with and
    /// without hyphens, gender forms, inflections, stopwords, numbers, code names.
    static let text = """
        Die Bürgerinnen und Bürger der Stadt Köln fordern mehr Bürgerbeteiligung: Buergerbeteiligung \
        und Burgerbeteiligung sind dasselbe Wort. Die Straße heißt jetzt Strasse, die Grüße sind groß. \
        Das Open-Data-Portal veröffentlicht Haushaltsdaten, Verwaltungen veröffentlichten Verwaltungsdaten; \
        Bürger*innen, Bürger:innen, BürgerInnen und Bürger_innen lesen Datenschutz-Grundverordnung \
        und E-Mail-Adressen. Im Jahr 2024 gab es 1.234 Anfragen nach IFG §1, in C++, C# und F#. \
        Über Öffnungszeiten, Ämter, Behörden, Gesetze und Gesetzen entscheiden die Räte; \
        ÄÖÜ äöü ß ẞ café naïve Œuvre — „Zitat“ ‚Zitat‘ l’Été. Informationsfreiheitssatzungen!
        """

    static func fingerprint() -> UInt64 {
        var hash = FNV1a()
        let analyzer = GermanAnalyzer()
        for (form, prefixForms) in [(GermanAnalyzer.TermForm.stemmed, true), (.folded, false)] {
            for token in analyzer.tokens(in: text, form: form, prefixForms: prefixForms) {
                hash.combine(bytes: token.term.utf8)
                hash.combine(bytes: token.kind.rawValue.utf8)
                for number in [token.start, token.end, token.position, token.isStopword ? 1 : 0] { hash.combine(UInt64(number)) }
            }
        }
        return hash.value
    }

    @Test func outputChangesOnlyWithTheVersion() {
        let fingerprint = Self.fingerprint()
        #expect(Self.recorded[GermanAnalyzer.version] == fingerprint, """
            the analyzer's output changed but GermanAnalyzer.version is still \(GermanAnalyzer.version): \
            bump it (indexes then re-tokenize) and record 0x\(String(fingerprint, radix: 16)) for the new version
            """)
    }
}
