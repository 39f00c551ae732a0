import GRDB
import Synchronization
import VolltextAnalysis

/// The index's terms with their document counts, held in memory for the
/// query-time word variants (``WordVariants``): sorted forwards and backwards,
/// so that "words starting with" and "words ending with" are binary searches.
///
/// Loaded once per index generation, like ``PostTable``, from `post_vocab`.
final class Vocabulary: Sendable {
    struct Snapshot: Sendable, IndexedTerms {
        let generation: String
        /// Posts in the index.
        let postCount: Int
        let documentCounts: [String: Int32]
        /// (word, term), sorted by word; `word` is the term without its `^`.
        let forward: [(word: String, term: String)]
        /// (reversed word, word, term), sorted by the reversed word.
        let backward: [(reversed: String, word: String, term: String)]

        func documents(_ term: String) -> Int { Int(documentCounts[term] ?? 0) }

        func terms(startingWith prefix: String, limit: Int) -> [(term: String, word: String)] {
            Self.entries(of: forward, startingWith: prefix, key: \.word, limit: limit).map { ($0.term, $0.word) }
        }

        func terms(endingWith suffix: String, limit: Int) -> [(term: String, word: String)] {
            Self.entries(of: backward, startingWith: String(suffix.reversed()), key: \.reversed, limit: limit)
                .map { ($0.term, $0.word) }
        }

        /// The entries of a sorted array whose key starts with `prefix`: a binary search, then a walk.
        private static func entries<Entry>(of sorted: [Entry], startingWith prefix: String, key: (Entry) -> String,
                                           limit: Int) -> ArraySlice<Entry> {
            var low = 0, high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if key(sorted[middle]) < prefix { low = middle + 1 } else { high = middle }
            }
            var end = low
            while end < sorted.count, end - low < limit, key(sorted[end]).hasPrefix(prefix) { end += 1 }
            return sorted[low..<end]
        }
    }

    private let current = Mutex<Snapshot?>(nil)

    /// A word's variants and split, worked out once per generation: words
    /// recur across queries far more than whole queries do. At most
    /// `maxCachedWords`; beyond that the cache starts afresh.
    struct WordForms: Sendable {
        var variants: [WordVariants.Variant]
        var split: (modifier: String, head: String)?
    }
    private let wordForms = Mutex<(generation: String, forms: [String: WordForms])>(("", [:]))
    static let maxCachedWords = 20_000

    func wordForms(of folded: String, stem: String, in snapshot: Snapshot,
                   compute: () -> WordForms) -> WordForms {
        let key = folded + "\u{0}" + stem
        if let cached = wordForms.withLock({ $0.generation == snapshot.generation ? $0.forms[key] : nil }) { return cached }
        let forms = compute()
        wordForms.withLock { cache in
            if cache.generation != snapshot.generation || cache.forms.count >= Self.maxCachedWords {
                cache = (snapshot.generation, [:])
            }
            cache.forms[key] = forms
        }
        return forms
    }

    func snapshot(generation: String, db: Database) throws -> Snapshot {
        if let held = current.withLock({ $0 }), held.generation == generation { return held }
        let postCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM post") ?? 0
        var counts: [String: Int32] = [:]
        var forward: [(word: String, term: String)] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT term, doc FROM post_vocab")
        while let row = try rows.next() {
            guard let term = String.fromDatabaseValue(row[0]), let documents = Int.fromDatabaseValue(row[1]) else { continue }
            counts[term] = Int32(clamping: documents)
            // Only words: numbers and terms with symbols are no compound parts or verbs.
            let word = term.hasPrefix("^") ? String(term.dropFirst()) : term
            if word.unicodeScalars.count >= 4, word.allSatisfy(\.isLetter) { forward.append((word, term)) }
        }
        forward.sort { $0.word < $1.word }
        let backward = forward.map { (reversed: String($0.word.reversed()), word: $0.word, term: $0.term) }
            .sorted { $0.reversed < $1.reversed }
        let fresh = Snapshot(generation: generation, postCount: postCount, documentCounts: counts, forward: forward, backward: backward)
        current.withLock { $0 = fresh }
        return fresh
    }
}
