import Foundation
import VolltextAnalysis

/// Why a query cannot be searched. Messages are for the person who typed it.
public enum QueryError: Error, LocalizedError, Equatable, Sendable {
    case empty
    case tooLong(limit: Int)
    case onlyExclusions
    case tooManyWords(limit: Int)
    case tooManyPrefixes(limit: Int)
    /// The search ran past its time limit and was stopped.
    case tooExpensive(seconds: Double)
    /// A parameter with a bad value: `parameter` is its name (`limit`, `since`, …).
    case invalidParameter(name: String, value: String, expected: String)

    public var errorDescription: String? {
        switch self {
        case .empty: "empty query: type a word to search for"
        case let .tooLong(limit): "query too long: \(limit) characters at most"
        case let .tooManyWords(limit): "query has too many words: \(limit) at most"
        case let .tooManyPrefixes(limit): "query has too many prefixes (word*): \(limit) at most"
        case let .tooExpensive(seconds):
            "the search took longer than \(String(format: "%g", seconds)) s and was stopped: use fewer or longer words"
        case .onlyExclusions: "the query only excludes words: add a word to search for"
        case let .invalidParameter(name, value, expected): "invalid \(name) \"\(value)\": expected \(expected)"
        }
    }
}

/// A parsed search query: valid by construction, so that rendering it can
/// never produce an FTS5 syntax error. Build it with ``init(parsing:)``.
///
/// What a person may type:
/// - words, all required: `Open Data Köln`
/// - `OR` between words or phrases: `Transparenz OR Informationsfreiheit`
/// - `-word` or `-"a phrase"` to exclude
/// - `"a phrase"` (an unclosed quote runs to the end)
/// - `prefix*`, matched on the folded word: `Bürgerbeteil*`, `Buergerbet*`;
///   a whole word typed as a prefix is also searched as that word, so
///   `Städte*` finds Städten and Städte, and Stadt too
/// - `tag:Name` or `tag:"Open Data"` to filter by tag
///
/// Anything else is searched literally: `NEAR(`, `title:foo`, `AND`, SQL.
public struct SearchQuery: Sendable, Equatable {
    /// At most this many characters, counted as Unicode scalars (a letter
    /// with 40 combining marks is 41, not one).
    public static let maxLength = 512
    /// At most this many words, phrases and prefixes, excluded ones included.
    public static let maxClauses = 32
    /// A prefix needs this many letters; shorter ones (`k*`) are searched as words:
    /// a one-letter prefix matches a large part of the vocabulary.
    public static let minPrefixLetters = 3
    /// At most this many prefixes: each expands to every indexed word it starts.
    public static let maxPrefixes = 8

    /// One searchable unit as the user typed it.
    public struct Clause: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case word, prefix, phrase }
        public var text: String
        public var kind: Kind
    }

    /// All groups must match; within a group, any clause (`a OR b`).
    public private(set) var groups: [[Clause]] = []
    /// None of these may match.
    public private(set) var excluded: [Clause] = []
    /// Whether relaxing the query to any of its words could find more.
    public var canRelax: Bool { groups.count > 1 }

    /// `tag:` filters typed into the query.
    public private(set) var tags: [String] = []
    /// The query as typed (or as corrected, see ``replacing(_:with:)``).
    public private(set) var text: String

    public init(parsing text: String) throws(QueryError) {
        self.text = text
        guard text.unicodeScalars.count <= Self.maxLength else { throw .tooLong(limit: Self.maxLength) }
        // Zero-width characters and soft hyphens inside a word are skipped, as the analyzer
        // skips them in posts; other control, format and private-use characters read as
        // spaces (private use marks Volltext's own raw terms). Nothing else is special.
        var cleanedScalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD: continue
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .privateUse: cleanedScalars.append(" ")
                default: cleanedScalars.append(scalar)
                }
            }
        }
        let cleaned = String(cleanedScalars)
        var lexer = Lexer(cleaned)
        var pendingOr = false
        while let lexeme = lexer.next() {
            switch lexeme {
            case .or:
                pendingOr = !groups.isEmpty
            case let .tag(name):
                if !name.isEmpty { tags.append(name) }
            case let .clause(clause, negated):
                if negated {
                    excluded.append(clause)
                } else if pendingOr, !groups.isEmpty {
                    groups[groups.count - 1].append(clause)
                } else {
                    groups.append([clause])
                }
                pendingOr = false
            }
        }
        // Only a blank query is empty; `*`, `-` or `OR` alone have no word to search, and find nothing.
        guard !text.allSatisfy(\.isWhitespace) else { throw .empty }
        guard !groups.isEmpty || !tags.isEmpty || excluded.isEmpty else { throw .onlyExclusions }
        guard groups.reduce(excluded.count, { $0 + $1.count }) <= Self.maxClauses else {
            throw .tooManyWords(limit: Self.maxClauses)
        }
        guard (groups.joined() + excluded).filter({ $0.kind == .prefix }).count <= Self.maxPrefixes else {
            throw .tooManyPrefixes(limit: Self.maxPrefixes)
        }
    }

    /// The FTS5 MATCH expression, with stopwords dropped from plain words
    /// unless nothing else is left; nil when no clause has a searchable word
    /// (a query of only tags, or only punctuation).
    ///
    /// Every clause becomes a quoted FTS5 string, so the user's text can never
    /// be read as FTS5 syntax: FTS5 hands the string to the German tokenizer,
    /// which analyses it exactly as it analysed the posts.
    ///
    /// With `requireAll: false`, any of the groups may match (`a OR b`): the
    /// fallback when no post has all the words of a vague query.
    public func matchExpression(analyzer: GermanAnalyzer, requireAll: Bool = true) -> String? {
        matchPlan(analyzer: analyzer, requireAll: requireAll)?.expression
    }

    /// The MATCH expression with, for each of its phrases, how it is scored.
    ///
    /// `variants` gives, for a plain word (folded and stemmed), other indexed
    /// terms that mean it (``WordVariants``): each is searched too, as a raw
    /// term, and scored as an occurrence of the word at its weight.
    public func matchPlan(analyzer: GermanAnalyzer, requireAll: Bool = true,
                          variants: (_ folded: String, _ stem: String) -> [WordVariants.Variant] = { _, _ in [] },
                          split: (_ folded: String, _ stem: String) -> (modifier: String, head: String)? = { _, _ in nil })
        -> MatchPlan? {
        var builder = MatchPlan.Builder()
        func rendered(dropStopwords: Bool) -> [[String]] {
            groups.map { group in
                group.compactMap {
                    render($0, analyzer: analyzer, dropStopwords: dropStopwords, builder: &builder, variants: variants, split: split)
                }
            }.filter { !$0.isEmpty }
        }
        var required = rendered(dropStopwords: true)
        if required.isEmpty {
            // Only stopwords ("Die Welt, die es gibt" → nothing): search them after all.
            builder = MatchPlan.Builder()
            required = rendered(dropStopwords: false)
        }
        guard !required.isEmpty else { return nil }
        var expression = required.map { $0.count == 1 ? $0[0] : "(" + $0.joined(separator: " OR ") + ")" }
            .joined(separator: requireAll ? " AND " : " OR ")
        if !requireAll && required.count > 1 && !excluded.isEmpty { expression = "(" + expression + ")" }
        for clause in excluded {
            if let negative = render(clause, analyzer: analyzer, dropStopwords: false, builder: &builder,
                                     variants: { _, _ in [] }, split: { _, _ in nil }) {
                expression += " NOT " + negative
            }
        }
        return MatchPlan(expression: expression, phrases: builder.phrases)
    }

    /// One clause as FTS5 syntax, or nil if it has nothing to search for.
    private func render(_ clause: Clause, analyzer: GermanAnalyzer, dropStopwords: Bool, builder: inout MatchPlan.Builder,
                        variants: (String, String) -> [WordVariants.Variant],
                        split: (String, String) -> (modifier: String, head: String)?) -> String? {
        let tokens = analyzer.tokens(in: clause.text).filter { $0.kind != .compound }
        guard !tokens.isEmpty else { return nil }
        switch clause.kind {
        case .phrase:
            return builder.phrase(Self.quoted(clause.text))
        case .prefix:
            // `Gesetze*` also searches Gesetze as a word: it has no prefix form in the index.
            let folded = analyzer.tokens(in: clause.text, form: .folded).filter { $0.kind != .compound }
            guard let stem = tokens.last?.term, let word = folded.last?.term,
                  PrefixForm.needsWholeWordSearch(stem: stem, folded: word) else {
                return builder.phrase(Self.quoted(clause.text) + "*")
            }
            return "(" + builder.phrase(Self.quoted(clause.text) + "*") + " OR " + builder.phrase(Self.quoted(clause.text)) + ")"
        case .word:
            if dropStopwords && tokens.allSatisfy(\.isStopword) { return nil }
            let parts = tokens.map(\.original)
            guard tokens.contains(where: { $0.kind == .compoundPart }) else {
                let own = builder.phrase(Self.quoted(clause.text))
                let ownIndex = builder.phrases.count - 1
                guard tokens.count == 1, !tokens[0].isStopword,
                      let folded = analyzer.terms(in: clause.text, form: .folded).first else { return own }
                var alternatives = variants(folded, tokens[0].term).map {
                    builder.phrase(Self.rawTerm($0.term), scoredAs: ownIndex, weight: $0.weight)
                }
                // A compound also finds posts that have both its parts.
                if let (modifier, head) = split(folded, tokens[0].term) {
                    alternatives.append("(" + builder.phrase(Self.quoted(modifier), scoredAs: ownIndex, weight: WordVariants.splitPartWeight)
                        + " AND " + builder.phrase(Self.quoted(head), scoredAs: ownIndex, weight: WordVariants.splitPartWeight) + ")")
                }
                guard !alternatives.isEmpty else { return own }
                return "(" + ([own] + alternatives).joined(separator: " OR ") + ")"
            }
            // Open-Data-Portal: the parts as a phrase, or the parts written as one word.
            return "(" + builder.phrase(Self.quoted(parts.joined(separator: " "))) + " OR "
                + builder.phrase(Self.quoted(parts.joined())) + ")"
        }
    }

    /// The query with a word clause replaced (a typo by the word meant), in
    /// its clauses and its text.
    public func replacing(_ clause: Clause, with word: String) -> SearchQuery {
        var copy = self
        copy.groups = groups.map { group in group.map { $0 == clause ? Clause(text: word, kind: $0.kind) : $0 } }
        if let range = copy.text.range(of: clause.text) { copy.text.replaceSubrange(range, with: word) }
        return copy
    }

    /// Marks a term that the tokenizer passes to FTS5 as it is, unanalysed:
    /// an indexed term found in the vocabulary. The query parser turns every
    /// private-use character a reader types into a space, so only Volltext writes it.
    public static let rawTermMarker: Unicode.Scalar = "\u{E010}"

    static func rawTerm(_ term: String) -> String {
        quoted(String(rawTermMarker) + term)
    }

    /// Whether an expression from ``matchExpression(analyzer:requireAll:)`` has a
    /// prefix clause: a closing quote followed by `*`. (Inside a literal, quotes
    /// are doubled, so `""*` may also answer yes: the answer is only a hint.)
    static func hasPrefix(_ expression: String) -> Bool {
        expression.contains("\"*")
    }

    /// An FTS5 string literal: double quotes around, inner quotes doubled.
    ///
    /// Quotes are doubled scalar by scalar: a quote followed by a combining
    /// mark is one Character to Swift, so a Character-wise replacement would
    /// leave it single and FTS5 would read an unterminated string (found by
    /// the query fuzzer: `"` + U+065C).
    static func quoted(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append("\"")
        for scalar in text.unicodeScalars {
            scalars.append(scalar)
            if scalar == "\"" { scalars.append("\"") }
        }
        scalars.append("\"")
        return String(scalars)
    }
}

/// Splits query text into clauses, `OR` and `tag:` filters.
private struct Lexer {
    enum Lexeme {
        case clause(SearchQuery.Clause, negated: Bool)
        case or
        case tag(String)
    }

    private var rest: Substring

    init(_ text: String) { rest = Substring(text) }

    mutating func next() -> Lexeme? {
        rest = rest.drop { $0.isWhitespace }
        guard !rest.isEmpty else { return nil }
        var negated = false
        if rest.first == "-", rest.count > 1, let second = rest.dropFirst().first, !second.isWhitespace, second != "-" {
            negated = true
            rest = rest.dropFirst()
        }
        if rest.first == "\"" {
            return .clause(SearchQuery.Clause(text: quotedText(), kind: .phrase), negated: negated)
        }
        if !negated, rest.lowercased().hasPrefix("tag:") {
            rest = rest.dropFirst(4)
            if rest.first == "\"" { return .tag(quotedText().trimmingCharacters(in: .whitespaces)) }
            return .tag(String(word()))
        }
        let text = word()
        if !negated, text == "OR" { return .or }
        if text.hasSuffix("*"), text.count > 1 {
            let stem = String(text.drop { $0 == "*" }.reversed().drop { $0 == "*" }.reversed())
            let letters = stem.unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }.count
            let kind: SearchQuery.Clause.Kind = letters >= SearchQuery.minPrefixLetters ? .prefix : .word
            return .clause(SearchQuery.Clause(text: stem, kind: kind), negated: negated)
        }
        return .clause(SearchQuery.Clause(text: String(text), kind: .word), negated: negated)
    }

    /// Up to the next whitespace.
    private mutating func word() -> Substring {
        let word = rest.prefix { !$0.isWhitespace }
        rest = rest.dropFirst(word.count)
        return word
    }

    /// The text between quotes at `rest`'s start; an unclosed quote runs to the end.
    private mutating func quotedText() -> String {
        rest = rest.dropFirst()
        let text = rest.prefix { $0 != "\"" }
        rest = rest.dropFirst(text.count)
        if rest.first == "\"" { rest = rest.dropFirst() }
        return String(text)
    }
}

/// A MATCH expression and how each of its phrases (in the order FTS5 numbers
/// them: as written) is scored.
public struct MatchPlan: Sendable, Equatable {
    public struct Phrase: Sendable, Equatable {
        /// The phrase whose document frequency this one is scored with (itself, or its word for a variant).
        public var scoredAs: Int
        /// How much an occurrence counts.
        public var weight: Double
    }

    public var expression: String
    public var phrases: [Phrase]

    struct Builder {
        var phrases: [Phrase] = []

        /// Records one FTS5 phrase and returns its text.
        mutating func phrase(_ text: String, scoredAs: Int? = nil, weight: Double = 1) -> String {
            phrases.append(Phrase(scoredAs: scoredAs ?? phrases.count, weight: weight))
            return text
        }
    }
}
