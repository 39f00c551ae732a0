import Foundation
import GRDB
import VolltextAnalysis

extension SearchIndex {
    /// "Did you mean": for a query without hits, each plain word that is not
    /// in the index is replaced by the most frequent indexed word within one
    /// typo (two for long words), written as it appears in a post. Nil if no
    /// word needed or found a correction.
    func suggestion(for query: SearchQuery, analyzer: GermanAnalyzer, db: Database) throws -> String? {
        var corrected = query.text
        var changed = false
        // Each word scans part of the vocabulary: a query of a hundred unknown words is not corrected word by word.
        for group in query.groups.prefix(Self.maxCorrectedWords) {
            for clause in group where clause.kind == .word {
                let tokens = analyzer.tokens(in: clause.text)
                guard tokens.count == 1, let token = tokens.first, !token.isStopword, token.term.count >= 3 else { continue }
                guard let folded = analyzer.terms(in: clause.text, form: .folded).first else { continue }
                if try isIndexed(token.term, db: db) { continue }
                guard let replacement = try closestWord(to: folded, analyzer: analyzer,
                                                       maxDistance: folded.unicodeScalars.count >= 8 ? 2 : 1, db: db)
                else { continue }
                let written = try writtenForm(of: replacement, db: db) ?? replacement
                if let range = corrected.range(of: clause.text) {
                    corrected.replaceSubrange(range, with: written)
                    changed = true
                }
            }
        }
        return changed ? corrected : nil
    }

    /// Typo tolerance: each plain word of the query that no post holds (as
    /// stem or as written) is replaced by the closest indexed word: one edit
    /// for words of 5–8 letters, two from 9, a swap of neighbours counting as
    /// one; none for shorter words or numbers. Returns the query to search and,
    /// if a word was replaced, its text for `corrected`.
    func correctingTypos(in query: SearchQuery, vocabulary: Vocabulary.Snapshot, analyzer: GermanAnalyzer,
                         db: Database) throws -> (SearchQuery, String?) {
        var corrected = query
        var changed = false
        for clause in query.groups.joined().prefix(Self.maxCorrectedWords) where clause.kind == .word {
            let tokens = analyzer.tokens(in: clause.text).filter { $0.kind != .compound }
            guard tokens.count == 1, let token = tokens.first, !token.isStopword,
                  let folded = analyzer.terms(in: clause.text, form: .folded).first, folded.allSatisfy(\.isLetter) else { continue }
            let letters = folded.unicodeScalars.count
            guard letters >= 5, vocabulary.documents(token.term) == 0, vocabulary.documents("^" + folded) == 0,
                  let replacement = try closestWord(to: folded, analyzer: analyzer, maxDistance: letters >= 9 ? 2 : 1,
                                                    db: db) else { continue }
            corrected = corrected.replacing(clause, with: try writtenForm(of: replacement, db: db) ?? replacement)
            changed = true
        }
        return (corrected, changed ? corrected.text : nil)
    }

    /// Words of a query that did-you-mean looks at, at most.
    static let maxCorrectedWords = 8

    private func isIndexed(_ term: String, db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM post_vocab WHERE term = ?)", arguments: [term]) ?? false
    }

    /// The indexed word (a prefix form, else a stem) nearest to `folded`.
    private func closestWord(to folded: String, analyzer: GermanAnalyzer, maxDistance allowed: Int,
                             db: Database) throws -> String? {
        let word = Array(folded.unicodeScalars)
        guard let first = word.first else { return nil }
        let marker = String(UnicodeScalar(PrefixForm.marker))
        var best: (word: String, distance: Int, documents: Int)?
        // Prefix forms (^ + folded word) and stems starting with the same letter, of a near length.
        for prefix in [marker, ""] {
            let start = prefix + String(first)
            let upper = prefix + String(UnicodeScalar(first.value + 1) ?? first)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT term, doc FROM post_vocab
                WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?
                """, arguments: [start, upper, word.count - allowed + prefix.count, word.count + allowed + prefix.count])
            while let row = try rows.next() {
                var term: String = row["term"]
                if term.hasPrefix(marker) { term.removeFirst() }
                let documents: Int = row["doc"]
                guard let distance = Self.editDistance(word, Array(term.unicodeScalars), limit: allowed), distance > 0,
                      !analyzer.stopwords.contains(term) else { continue }
                if best == nil || distance < best!.distance || (distance == best!.distance && documents > best!.documents) {
                    best = (term, distance, documents)
                }
            }
        }
        return best?.word
    }

    /// How the folded word is written in a post (`burgerbeteiligung` → `Bürgerbeteiligung`).
    private func writtenForm(of folded: String, db: Database) throws -> String? {
        let analyzer = GermanAnalyzer(forQueries: true)
        let marked = try String.fetchAll(db, sql: """
            SELECT highlight(post_text, 3, char(57344), char(57345)) FROM post_text WHERE post_text MATCH ? LIMIT 5
            """, arguments: [SearchQuery.quoted(folded)])
        for text in marked {
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "\u{E000}"), let close = rest[open...].firstIndex(of: "\u{E001}") {
                let word = String(rest[rest.index(after: open)..<close])
                // The word as written: its folded form, or (for a stem) its stem, is the term.
                if analyzer.terms(in: word, form: .folded) == [folded] || analyzer.terms(in: word) == [folded] { return word }
                rest = rest[rest.index(after: close)...]
            }
        }
        return nil
    }

    /// Damerau–Levenshtein (adjacent swaps count once), or nil above `limit`.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int? {
        guard abs(a.count - b.count) <= limit else { return nil }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, previous2[j - 2] + 1) }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return nil }
            (previous2, previous, current) = (previous, current, previous2)
        }
        let distance = a.isEmpty ? b.count : previous[b.count]
        return distance <= limit ? distance : nil
    }
}
