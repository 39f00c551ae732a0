import VolltextAnalysis

/// A post's columns already analyzed, off the writer's thread, for the FTS5
/// tokenizer to hand on instead of analyzing them again.
///
/// An index run has one writer: SQLite's inserts run on one core, and FTS5
/// calls the tokenizer from inside them. Analyzing there made the German
/// analyzer a third of the writer's work, while the threads that read posts
/// had time to spare. Now they analyze too, and the writer sets the result
/// (``current``) around its insert; the tokenizer replays it for a text that is
/// byte for byte one of the columns, and analyzes anything else itself
/// (queries, deletes, `rebuild`). A test checks that a replayed index equals
/// one FTS5 rebuilds by calling the analyzer.
final class PretokenizedText: Sendable {
    struct Term: Sendable {
        /// The term's bytes in `Column.termBytes`.
        let offset: Int32, length: Int32
        /// Byte range of the original word in the column's text.
        let start: Int32, end: Int32
        let isColocated: Bool
    }

    struct Column: Sendable {
        let text: [UInt8]
        let termBytes: [UInt8]
        let terms: [Term]
    }

    let columns: [Column]

    /// Analyzes `texts` as documents are analyzed (stems, compound wholes, prefix forms).
    init(_ texts: [String], analyzer: GermanAnalyzer) {
        columns = texts.map { text in
            var text = text
            return text.withUTF8 { utf8 in
                var termBytes: [UInt8] = []
                var terms: [Term] = []
                analyzer.analyze(utf8: utf8, prefixForms: true) { term in
                    let offset = termBytes.count
                    term.withUTF8 { termBytes.append(contentsOf: $0) }
                    terms.append(Term(offset: Int32(offset), length: Int32(termBytes.count - offset),
                                      start: Int32(term.start), end: Int32(term.end), isColocated: term.isColocated))
                }
                return Column(text: Array(utf8), termBytes: termBytes, terms: terms)
            }
        }
    }

    /// The column whose text is `text`, if any.
    func column(for text: UnsafeBufferPointer<UInt8>) -> Column? {
        columns.first { column in
            column.text.count == text.count && column.text.withUnsafeBufferPointer { $0.elementsEqual(text) }
        }
    }

    /// What the writer is inserting on this thread, while it inserts.
    @TaskLocal static var current: PretokenizedText?
}
