/// One term as the analyzer hands it out on the fast path: its bytes live in
/// the analyzer's scratch buffer, so they are lent out only inside
/// ``withUTF8(_:)``, and the term itself is valid only inside the callback.
public struct AnalyzedTerm {
    /// What part of the text a term stands for.
    public enum Kind: String, Sendable, Codable {
        /// A whole word.
        case word
        /// One part of a hyphenated compound: `open`, `data`, `portal`.
        case compoundPart = "compound-part"
        /// The hyphenated compound as one word, `opendataportal`: it shares its
        /// first part's position, so phrases over the parts still line up.
        case compound
        /// `^` + the folded, unstemmed word, at the word's position: what
        /// prefix queries match (see ``GermanAnalyzer/analyze(utf8:form:prefixForms:_:)``).
        case prefixForm = "prefix-form"
    }

    /// The term's UTF-8 bytes: the stem (or the folded word, for prefixes).
    let bytes: UnsafeBufferPointer<UInt8>
    /// Byte offsets of the original word in the UTF-8 input, for highlighting.
    public let start: Int
    public let end: Int
    /// Word position; a `.compound` term repeats its first part's position.
    public let position: Int
    public let kind: Kind
    /// Whether the word is a stopword (queries drop these outside phrases).
    public let isStopword: Bool

    /// Whether the term shares the previous term's position (FTS5's `FTS5_TOKEN_COLOCATED`).
    public var isColocated: Bool { kind == .compound || kind == .prefixForm }

    /// Calls `body` with the term's UTF-8 bytes, which must not escape it.
    @inline(__always)
    public func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(bytes)
    }

    /// The term's text, copied.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// An analyzed term with its text copied out: for queries, tests and `volltext analyze`.
public struct Token: Hashable, Sendable {
    public var term: String
    /// The word as it appears in the input.
    public var original: String
    /// Byte offsets of `original` in the UTF-8 input.
    public var start: Int
    public var end: Int
    public var position: Int
    public var kind: AnalyzedTerm.Kind
    public var isStopword: Bool

    public init(term: String, original: String, start: Int, end: Int, position: Int,
                kind: AnalyzedTerm.Kind = .word, isStopword: Bool = false) {
        self.term = term
        self.original = original
        self.start = start
        self.end = end
        self.position = position
        self.kind = kind
        self.isStopword = isStopword
    }
}

extension Token: Codable {
    enum CodingKeys: String, CodingKey {
        case term, original, start, end, position, kind
        case isStopword = "stopword"
    }
}
