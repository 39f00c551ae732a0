/// German and common English function words.
///
/// Stopwords stay in the index, so that a phrase like "Recht auf Information"
/// still matches; the analyzer only marks them, and the query side drops them
/// from plain (non-phrase) queries unless nothing else is left.
///
/// Words are matched lower-cased and accent-folded but before stemming: stems
/// collide (`anderen` and `Änderungen` both stem to `ander`). Words with an
/// umlaut or ß also match their ae/oe/ue/ss spelling (`für`, `fuer`).
///
/// Left out on purpose, though often listed elsewhere: words that are also
/// German nouns or acronyms (`weg` = Weg, `it` = IT, `us` = US, `who` = WHO,
/// `same` = Same) and the rare `anderm`/`andern`, which folded read as `ändern`.
public struct Stopwords: Sendable {
    public static let german: [String] = """
        aber alle allem allen aller alles als also am an ander andere anderem anderen anderer \
        anderes anders auch auf aus bei beim bin bis bist da dabei damit dann darauf darin darum \
        das dass daß dein deine deinem deinen deiner deines dem den denn der deren derer des \
        dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine \
        einem einen einer eines einig einige einigem einigen einiger einiges einmal er es etwas \
        euch euer eure eurem euren eurer eures für gegen gewesen hab habe haben hat hatte hatten \
        hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in indem ins ist \
        jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine keinem \
        keinen keiner keines können könnte man manche manchem manchen mancher manches mein meine \
        meinem meinen meiner meines mich mir mit muss musste nach nicht nichts noch nun nur ob \
        oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie sind so solche \
        solchem solchen solcher solches soll sollte sondern sonst über um und uns unser unsere \
        unserem unseren unserer unseres unter viel vom von vor während war waren warst was weil \
        welche welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst \
        wo wollen wollte würde würden zu zum zur zwar zwischen
        """.split(separator: " ").map(String.init)

    public static let english: [String] = """
        a about above after again against all am an and any are as at be because been before \
        being below between both but by can could did do does doing down during each few for \
        from further had has have having he her here hers herself him himself his how i if in \
        into is its itself just me more my myself no nor not now of off on once only or other \
        our ours ourselves out over own she should so some such than that the their theirs \
        them themselves then there these they this those through to too under until up very \
        was we were what when where which while whom why will with would you your yours \
        yourself yourselves
        """.split(separator: " ").map(String.init)

    /// German and English together: the analyzer's default.
    public static let standard = Stopwords(german + english)

    private let table: ScalarSequenceSet

    public init(_ words: [String]) {
        var spellings: [[UInt32]] = []
        for word in words {
            var folded = ScalarBuffer()
            for scalar in word.unicodeScalars { CharacterFolding.appendFolded(scalar.value, to: &folded) }
            let scalars = Array(UnsafeBufferPointer(start: folded.base, count: folded.count))
            spellings.append(scalars)
            let transliterated = scalars.flatMap(Self.transliterate)
            if transliterated != scalars { spellings.append(transliterated) }
        }
        table = ScalarSequenceSet(spellings)
    }

    /// Whether the folded word in `scalars` is a stopword.
    @inline(__always)
    public func contains(_ scalars: UnsafeBufferPointer<UInt32>) -> Bool {
        scalars.count <= table.longest && table.contains(scalars)
    }

    public func contains(_ word: String) -> Bool {
        var folded = ScalarBuffer()
        for scalar in word.unicodeScalars { CharacterFolding.appendFolded(scalar.value, to: &folded) }
        return contains(UnsafeBufferPointer(start: folded.base, count: folded.count))
    }

    private static func transliterate(_ scalar: UInt32) -> [UInt32] {
        switch scalar {
        case 0xE4: [0x61, 0x65]  // ä → ae
        case 0xF6: [0x6F, 0x65]  // ö → oe
        case 0xFC: [0x75, 0x65]  // ü → ue
        case 0xDF: [0x73, 0x73]  // ß → ss
        default: [scalar]
        }
    }
}

/// A fixed set of short scalar sequences, looked up without allocating.
struct ScalarSequenceSet: Sendable {
    private let words: [[UInt32]]
    /// Open addressing: 1 + an index into `words`, or 0 for an empty slot.
    private let slots: [Int32]
    private let mask: Int
    let longest: Int

    init(_ sequences: [[UInt32]]) {
        words = sequences
        longest = sequences.map(\.count).max() ?? 0
        var size = 16
        while size < sequences.count * 4 { size *= 2 }
        mask = size - 1
        var slots = [Int32](repeating: 0, count: size)
        for (index, word) in sequences.enumerated() {
            let found = word.withUnsafeBufferPointer { Self.probe(for: $0, in: slots, words: sequences, mask: size - 1) }
            if slots[found] == 0 { slots[found] = Int32(index + 1) }
        }
        self.slots = slots
    }

    @inline(__always)
    func contains(_ scalars: UnsafeBufferPointer<UInt32>) -> Bool {
        slots[Self.probe(for: scalars, in: slots, words: words, mask: mask)] != 0
    }

    /// The slot holding `scalars`, or the empty slot where it would go.
    @inline(__always)
    private static func probe(for scalars: UnsafeBufferPointer<UInt32>, in slots: [Int32], words: [[UInt32]], mask: Int) -> Int {
        var slot = FNV1a.slot(of: scalars, mask: mask)
        while true {
            let entry = Int(slots[slot])
            if entry == 0 || words[entry - 1].elementsEqual(scalars) { return slot }
            slot = (slot + 1) & mask
        }
    }
}
