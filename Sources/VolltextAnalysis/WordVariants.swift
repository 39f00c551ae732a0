/// The words of an index, as the variant rules ask about them. Terms are as
/// indexed: stems (`datenschul`) and `^`-marked folded words (`^datenschutzes`).
public protocol IndexedTerms {
    /// Posts that hold `term` (0 if none).
    func documents(_ term: String) -> Int
    /// Indexed terms that start with `prefix`, `^` forms given without the `^` in
    /// `word`; at most `limit`.
    func terms(startingWith prefix: String, limit: Int) -> [(term: String, word: String)]
    /// Likewise for terms that end with `suffix`.
    func terms(endingWith suffix: String, limit: Int) -> [(term: String, word: String)]
}

/// Other indexed forms of a query word that a German reader means by it:
/// compounds it is a part of, and verb forms Snowball leaves apart.
///
/// These are found at query time, in the index's own vocabulary, so that a
/// post's terms never depend on the other posts (an incremental reindex gives
/// the same index as a rebuild), and no dictionary has to ship: the site's
/// words are always current. Each rule is German grammar, not a list of words:
///
/// - **Compounds** (Koehn & Knight 2003, on the site's vocabulary): a word is a
///   part of an indexed word `modifier + linking element + head` when the other
///   part is itself an indexed word of at least four letters, both parts have
///   at least four letters, and the split is more frequent than the whole (the
///   geometric mean of the parts' document counts is above the whole's):
///   *Schule* → *Datenschule* (head), *Wahl* → *Wahlkampf* (modifier),
///   *Sitzung* → *Stadtratssitzungen*; not *Daten* → *Kandidaten* (*kandi* is
///   no word). Linking elements: -s-, -es-, -n-, -en-, -er-, -e-.
/// - **Verb forms**: the infinitive, the *-t*/*-te*/*-ten*/*-et* forms and the
///   participle *ge…t* of the same stem meet (*veröffentlichen*,
///   *veröffentlicht*, *veröffentlichte*; *fordern*, *fordert*, *gefordert*),
///   for stems of at least five letters (so *Rat*/*Rate* and *Stadt*/*statt*
///   stay apart), and only forms that occur in the index.
public enum WordVariants {
    /// A variant and how much an occurrence of it counts against the word itself.
    public struct Variant: Hashable, Sendable {
        public var term: String
        public var weight: Double
    }

    public static let compoundWeight = 0.4
    public static let verbFormWeight = 0.8
    /// Each part of a split query word: two of them together count less than the word itself.
    public static let splitPartWeight = 0.2
    /// Words shorter than this (folded letters) get no compound variants: *Rat*
    /// is in too many words by chance.
    public static let minCompoundPart = 4
    static let linkingElements = ["", "s", "es", "n", "en", "er", "e"]
    /// Inflection endings a head may carry in a compound's folded form.
    static let inflections = ["", "e", "en", "n", "s", "es", "er", "ern", "em"]

    /// Compound and verb-form variants of a query word (given folded and
    /// stemmed), most frequent first, at most `limit`; never the word's own stem.
    ///
    /// A word in more than `commonAbove` posts gets no compound variants: it
    /// already finds most of what they would add (posts about *Verkehrsdaten*
    /// say *Daten* too), and each variant costs every match a look.
    public static func variants(folded: String, stem: String, in index: some IndexedTerms,
                                stemmer: SnowballGermanStemmer, limit: Int = 12,
                                commonAbove: Int = .max) -> [Variant] {
        var found: [String: (weight: Double, documents: Int)] = [:]
        func add(_ term: String, _ weight: Double) {
            guard term != stem, term != "^" + folded else { return }
            let documents = index.documents(term)
            guard documents > 0 else { return }
            if let old = found[term], old.weight >= weight { return }
            found[term] = (weight, documents)
        }
        for term in verbForms(folded: folded, stem: stem, in: index, stemmer: stemmer) { add(term, verbFormWeight) }
        if index.documents(stem) <= commonAbove {
            for term in compounds(folded: folded, stem: stem, in: index, stemmer: stemmer) { add(term, compoundWeight) }
        }
        return found.sorted { ($0.value.documents, $0.key) > ($1.value.documents, $1.key) }.prefix(limit)
            .map { Variant(term: $0.key, weight: $0.value.weight) }
    }

    // MARK: Compounds

    public static func compounds(folded: String, stem: String, in index: some IndexedTerms,
                          stemmer: SnowballGermanStemmer) -> [String] {
        guard folded.unicodeScalars.count >= minCompoundPart, folded.allSatisfy(\.isLetter) else { return [] }
        // Accepted terms, in the order found; a term rejected for one reading (stem + rest)
        // is looked at again for another (the folded word + rest).
        var result: [String] = []
        var accepted = Set<String>()
        let wholeDocuments = max(index.documents(stem), 1)
        // The word as head: indexed words ending with it (or with it inflected).
        for ending in inflections {
            for (term, word) in index.terms(endingWith: stem + ending, limit: 400) where !accepted.contains(term) {
                let head = String(word.suffix(stem.count + ending.count))
                guard stemmer.stem(head) == stem || head == folded else { continue }
                let modifier = String(word.dropLast(head.count))
                if let modifierDocuments = knownPart(modifier, trimming: .end, in: index, stemmer: stemmer),
                   splitBeatsWhole(modifierDocuments, wholeDocuments, index.documents(term)) {
                    accepted.insert(term)
                    result.append(term)
                }
            }
        }
        // The word as modifier: indexed words starting with it, the longer reading first.
        for start in [folded, stem] where start == folded || stem != folded {
            for (term, word) in index.terms(startingWith: start, limit: 400) where !accepted.contains(term) {
                let head = String(word.dropFirst(start.count))
                if let headDocuments = knownPart(head, trimming: .start, in: index, stemmer: stemmer),
                   splitBeatsWhole(headDocuments, wholeDocuments, index.documents(term)) {
                    accepted.insert(term)
                    result.append(term)
                }
            }
        }
        return result
    }

    private enum Side { case start, end }

    /// The document count of a compound part if, with or without a linking
    /// element on the side that joins the other part, it is an indexed word of
    /// at least four letters; nil if it is not.
    private static func knownPart(_ part: String, trimming side: Side, in index: some IndexedTerms,
                                  stemmer: SnowballGermanStemmer) -> Int? {
        var best: Int?
        for link in linkingElements {
            let trimmed: Substring
            switch side {
            case .end:
                guard part.hasSuffix(link) else { continue }
                trimmed = part.dropLast(link.count)
            case .start:
                guard part.hasPrefix(link) else { continue }
                trimmed = part.dropFirst(link.count)
            }
            guard trimmed.unicodeScalars.count >= minCompoundPart, trimmed.allSatisfy(\.isLetter) else { continue }
            let word = String(trimmed)
            let documents = max(index.documents(stemmer.stem(word)), index.documents("^" + word))
            if documents > 0 { best = max(best ?? 0, documents) }
        }
        return best
    }

    /// Koehn & Knight: split when the parts' geometric mean frequency beats the whole's.
    private static func splitBeatsWhole(_ first: Int, _ second: Int, _ whole: Int) -> Bool {
        (Double(first) * Double(second)).squareRoot() > Double(whole)
    }

    /// The whole finds its parts: the best split of a compound query word
    /// into two indexed words (*Stadtratssitzung* → *stadtrat*, *sitzung*),
    /// by the same rules as ``compounds(folded:stem:in:stemmer:)``; nil if it
    /// has none that beats the whole.
    public static func split(folded: String, in index: some IndexedTerms,
                             stemmer: SnowballGermanStemmer) -> (modifier: String, head: String)? {
        let scalars = Array(folded.unicodeScalars)
        guard scalars.count >= 2 * minCompoundPart, folded.allSatisfy(\.isLetter) else { return nil }
        let whole = max(index.documents(stemmer.stem(folded)), index.documents("^" + folded))
        var best: (modifier: String, head: String, score: Double)?
        for cut in minCompoundPart...(scalars.count - minCompoundPart) {
            var modifierPart = String.UnicodeScalarView(), headPart = String.UnicodeScalarView()
            modifierPart.append(contentsOf: scalars[..<cut])
            headPart.append(contentsOf: scalars[cut...])
            let head = String(headPart)
            let headDocuments = max(index.documents(stemmer.stem(head)), index.documents("^" + head))
            guard headDocuments > 0 else { continue }
            for link in linkingElements {
                let modifier = String(modifierPart)
                guard modifier.hasSuffix(link) else { continue }
                let trimmed = String(modifier.dropLast(link.count))
                guard trimmed.unicodeScalars.count >= minCompoundPart else { continue }
                let modifierDocuments = max(index.documents(stemmer.stem(trimmed)), index.documents("^" + trimmed))
                guard modifierDocuments > 0 else { continue }
                let score = (Double(modifierDocuments) * Double(headDocuments)).squareRoot()
                if score > Double(whole), score > best?.score ?? 0 { best = (trimmed, head, score) }
            }
        }
        return best.map { ($0.modifier, $0.head) }
    }

    // MARK: Verb forms

    public static func verbForms(folded: String, stem: String, in index: some IndexedTerms,
                          stemmer: SnowballGermanStemmer) -> [String] {
        guard folded.allSatisfy(\.isLetter) else { return [] }
        var bases = Set<String>()
        func base(_ word: Substring) { if word.unicodeScalars.count >= 5 { bases.insert(String(word)) } }
        for ending in ["en", "n"] where folded.hasSuffix(ending) { base(folded.dropLast(ending.count)) }
        for ending in ["tet", "ten", "te", "et", "t"] where folded.hasSuffix(ending) {
            base(folded.dropLast(ending.count))
            if folded.hasPrefix("ge") { base(folded.dropFirst(2).dropLast(ending.count)) }
        }
        var forms = Set<String>()
        for base in bases {
            for form in [base + "en", base + "n", base + "t", base + "et", base + "te", base + "ten", base + "tet",
                         "ge" + base + "t", "ge" + base + "et"] {
                forms.insert(stemmer.stem(form))
            }
        }
        forms.remove(stem)
        return forms.filter { index.documents($0) > 0 }.sorted()
    }
}
