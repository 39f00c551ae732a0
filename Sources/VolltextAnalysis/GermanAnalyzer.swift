/// Volltext's one German analyzer: posts are indexed and queries are parsed
/// through the same chain, so both sides always agree on what a word is.
///
/// The chain, for each word of UTF-8 text:
/// 1. **Words** are runs of letters and digits. Inside a word, soft hyphens and
///    zero-width characters are skipped, an apostrophe before a letter stays
///    (`geht's`), `.`/`,` between digits stay (`2.0`, `1.000`), and the gender
///    marks of `Bürger*innen`, `Bürger:innen`, `Bürger_innen` vanish.
///    A hyphen between words makes a compound: `Open-Data-Portal` yields
///    `open`, `data`, `portal` at consecutive positions plus `opendataportal`
///    at the first part's position, so the whole, each part and the phrase of
///    the parts all match.
/// 2. **Normalisation**: NFC (only words with combining marks take that slow
///    path), full Unicode lower-casing (`ẞ` → `ß`), accents folded (`é` → `e`)
///    except `ä ö ü ß`.
/// 3. **Stopwords** are marked, not removed: see ``Stopwords``.
/// 4. **Stemming** with ``SnowballGermanStemmer``, which also folds
///    `ä`/`ae`/`a` alike and `ß` to `ss`. Words with digits (`g20`, `2017`)
///    are only folded, never stemmed.
///
/// Words longer than ``maxWordLength`` scalars (hashes, base64) yield no term.
///
/// The analyzer reuses its buffers and allocates nothing per word, which keeps
/// it as fast as SQLite's own tokenizer. So one instance serves one thread.
public final class GermanAnalyzer {
    /// Which form of each word to emit.
    public enum TermForm: Sendable {
        /// Snowball stems: what the index holds and plain query words match.
        case stemmed
        /// Lower-cased, umlaut-folded, unstemmed words: for prefix queries,
        /// where `Bürgerbeteil*` must match the start of the whole word.
        case folded
    }

    /// Longest word, in scalars, that yields a term (German compounds rarely pass 60).
    public static let maxWordLength = 128

    public var stopwords: Stopwords { state.stopwords }
    /// All mutable state lives in one struct, so that a whole document is one
    /// exclusive access to it rather than one runtime check per character.
    private var state: ScanState

    /// Changes whenever the terms of some text change: an index made with
    /// another version re-tokenizes every post at its next run. A test
    /// (`AnalyzerVersionTests`) fails when the output changes and this does not.
    public static let version = "4"

    /// `forQueries`: a small term cache, cheap to create for each short query
    /// text; documents want the large one.
    public init(stopwords: Stopwords = .standard, forQueries: Bool = false) {
        state = ScanState(stopwords: stopwords, cacheSlots: forQueries ? TermCache.querySlots : TermCache.documentSlots)
    }

    /// Analyses UTF-8 text, calling `body` for each term in order. Invalid UTF-8
    /// separates words, like any other non-letter.
    ///
    /// With `prefixForms`, each stemmed word whose folded form is at least two
    /// letters longer than its stem is followed by a colocated
    /// ``AnalyzedTerm/Kind/prefixForm`` term, `^` + the folded word
    /// (`^burgerbeteiligung` beside `burgerbeteil`): the index holds both, so a
    /// prefix query such as `Bürgerbeteilig*` matches the start of the word
    /// itself, not only of its stem. A word one letter longer than its stem
    /// (`Gesetze`, stem `gesetz`) needs none: the only prefix longer than its
    /// stem is the whole word, and a prefix query also searches that as a word
    /// (see `SearchQuery`). That saves a third of the prefix forms.
    ///
    /// Invariant: `start..<end` of each term lies on scalar boundaries of `text`.
    public func analyze(
        utf8 text: UnsafeBufferPointer<UInt8>,
        form: GermanAnalyzer.TermForm = .stemmed,
        prefixForms: Bool = false,
        _ body: (AnalyzedTerm) throws -> Void
    ) rethrows {
        try state.analyze(utf8: text, form: form, prefixForms: prefixForms, body)
    }

    /// The byte range of every word position in `text`, as ``analyze(utf8:form:prefixForms:_:)``
    /// numbers them, but without stemming: all that highlighting needs, at a
    /// fraction of the cost.
    public func wordRanges(utf8 text: UnsafeBufferPointer<UInt8>, _ body: (_ start: Int, _ end: Int) throws -> Void) rethrows {
        try state.wordRanges(utf8: text, body)
    }

    /// The terms of `text`, copied out.
    public func tokens(in text: String, form: GermanAnalyzer.TermForm = .stemmed, prefixForms: Bool = false) -> [Token] {
        var text = text
        return text.withUTF8 { utf8 in
            var tokens: [Token] = []
            analyze(utf8: utf8, form: form, prefixForms: prefixForms) { term in
                tokens.append(Token(
                    term: String(decoding: term.bytes, as: UTF8.self),
                    original: String(decoding: UnsafeBufferPointer(rebasing: utf8[term.start..<term.end]), as: UTF8.self),
                    start: term.start, end: term.end, position: term.position,
                    kind: term.kind, isStopword: term.isStopword))
            }
            return tokens
        }
    }

    /// The terms of `text`, as strings.
    public func terms(in text: String, form: GermanAnalyzer.TermForm = .stemmed) -> [String] {
        tokens(in: text, form: form).map(\.term)
    }
}

/// The analyzer's buffers and the scanning and emitting machinery over them.
private struct ScanState: ~Copyable {
    let stopwords: Stopwords
    let stemmer = SnowballGermanStemmer()
    let latin = CharacterFolding.latin
    let cache: TermCache
    /// Normalised scalars of the current word, its compound parts back to back.
    var scalars = ScalarBuffer()
    var parts = ScratchBuffer<Part>(capacity: 16)
    /// UTF-8 of the term being handed out.
    var termBytes = ScratchBuffer<UInt8>(capacity: 1024)

    /// One hyphen-separated part of a word.
    struct Part {
        var start: Int, end: Int              // bytes in the input
        var scalarStart: Int, scalarEnd = 0   // in `scalars`
        var hasDigit = false
        var needsNFC = false
        var isTooLong = false
        /// Folded scalars so far, counted even when they are not collected.
        var length = 0
    }

    /// Whether scanning collects the folded scalars (for terms) or only
    /// counts them (for word ranges, where only the boundaries matter).
    var collects = true

    init(stopwords: Stopwords, cacheSlots: Int) {
        self.stopwords = stopwords
        cache = TermCache(slotCount: cacheSlots)
    }

    mutating func analyze(
        utf8 text: UnsafeBufferPointer<UInt8>, form: GermanAnalyzer.TermForm, prefixForms: Bool,
        _ body: (AnalyzedTerm) throws -> Void
    ) rethrows {
        let reader = UTF8Reader(text)
        var position = 0
        var offset = 0
        while offset < text.count {
            let (scalar, length) = reader.scalar(at: offset)
            if CharacterFolding.classify(scalar, latin: latin) == .word {
                offset = scanWord(from: offset, reader: reader)
                try emitTerms(form: form, prefixForms: prefixForms, position: &position, body)
            } else {
                offset += length
            }
        }
    }

    /// The byte range of each position, in order: the same words as `analyze`
    /// finds, without stemming them.
    mutating func wordRanges(utf8 text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) throws -> Void) rethrows {
        collects = false
        defer { collects = true }
        let reader = UTF8Reader(text)
        var offset = 0
        while offset < text.count {
            // Most words are ASCII letters and digits ended by a space or a plain
            // punctuation mark: one part, whose range needs no scanning machinery.
            if Self.isASCIILetterOrDigit(text[offset]) {
                var end = offset + 1
                while end < text.count, Self.isASCIILetterOrDigit(text[end]) { end += 1 }
                if end == text.count || endsWordAlone(text[end]) {
                    if end - offset <= GermanAnalyzer.maxWordLength { try body(offset, end) }
                    offset = end
                    continue
                }
            }
            let (scalar, length) = reader.scalar(at: offset)
            if CharacterFolding.classify(scalar, latin: latin) == .word {
                offset = scanWord(from: offset, reader: reader)
                for part in parts.elements where !part.isTooLong { try body(part.start, part.end) }
            } else {
                offset += length
            }
        }
    }

    /// What ``scanASCIIRun`` consumes.
    @inline(__always)
    private static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26
    }

    /// Whether `byte`, after a run of ASCII letters and digits, ends the word
    /// there as ``scanWord(from:reader:)`` would: an ASCII separator that
    /// neither joins parts (`-`, `'`, `.`, `*`…) nor closes a name (`C#`, `C++`).
    @inline(__always)
    private func endsWordAlone(_ byte: UInt8) -> Bool {
        byte < 0x80 && byte != UInt8(ascii: "#") && byte != UInt8(ascii: "+") && !Self.mayJoin(UInt32(byte))
            && CharacterFolding.classify(UInt32(byte), latin: latin) == .separator
    }

    // MARK: - Scanning

    /// Reads one word (possibly a hyphenated compound) starting at a word
    /// character, filling `scalars` and `parts`; returns the offset after it.
    private mutating func scanWord(from start: Int, reader: UTF8Reader) -> Int {
        scalars.removeAll()
        parts.removeAll()
        var part = Part(start: start, end: start, scalarStart: 0)
        var lastWasDigit = false
        var offset = start
        scanning: while offset < reader.count {
            let (scalar, length) = reader.scalar(at: offset)
            switch CharacterFolding.classify(scalar, latin: latin) {
            case .word:
                if scalar < 0x80 {
                    // A run of ASCII letters and digits, most of any German text, in one tight loop.
                    offset = scanASCIIRun(from: offset, reader: reader, part: &part, lastWasDigit: &lastWasDigit)
                    part.end = offset
                    continue scanning
                }
                // Other letters and digits (ä, ß, é, Cyrillic, Arabic digits…), one at a time.
                if scalar >= 0x300, CharacterFolding.mayCompose(scalar) { part.needsNFC = true }
                appendToPart(scalar, &part)
                lastWasDigit = false  // only ASCII digits join "1.000"
                offset += length
                part.end = offset
            case .ignorable:
                offset += length
            case .separator:
                // C#, F#, C++, Notepad++: a name's closing symbol belongs to it.
                if parts.elements.isEmpty, let symbols = reader.closingNameSymbols(at: offset, afterLetters: part.length, latin: latin) {
                    for _ in 0..<symbols { appendToPart(scalar, &part, folding: false) }
                    part.hasDigit = true  // like "G20": a name, never stemmed nor a stopword
                    offset += symbols
                    part.end = offset
                    break scanning
                }
                // Most separators (spaces, full stops) end the word at once;
                // only joiner candidates look at what follows.
                guard Self.mayJoin(scalar) else { break scanning }
                let next = offset + length < reader.count ? reader.scalar(at: offset + length).scalar : 0
                let nextIsWord = next != 0 && CharacterFolding.classify(next, latin: latin) == .word
                if nextIsWord, Self.isApostrophe(scalar), !(next &- 0x30 < 10) {
                    appendToPart(0x27, &part, folding: false)  // ’ and ʼ become '
                } else if lastWasDigit, scalar == 0x2E || scalar == 0x2C, next &- 0x30 < 10 {
                    appendToPart(scalar, &part, folding: false)
                } else if Self.isGenderMark(scalar), reader.startsGenderSuffix(at: offset + length) {
                    // Bürger*innen reads as Bürgerinnen: drop the mark, keep scanning.
                } else if nextIsWord, Self.isHyphen(scalar) {
                    finish(&part, reader: reader)
                    part = Part(start: offset + length, end: offset + length, scalarStart: scalars.count)
                } else {
                    break scanning
                }
                lastWasDigit = false
                offset += length
            }
        }
        finish(&part, reader: reader)
        return part.end
    }

    /// Consumes ASCII letters and digits from `start` (which is one): letters
    /// lower-cased by setting one bit, digits kept. Returns the offset after them.
    @inline(__always)
    private mutating func scanASCIIRun(from start: Int, reader: UTF8Reader, part: inout Part, lastWasDigit: inout Bool) -> Int {
        let bytes = reader.bytes
        var offset = start
        var hasDigit = part.hasDigit
        var isDigit = false
        while offset < bytes.count {
            let byte = bytes[offset]
            isDigit = byte &- 0x30 < 10
            guard isDigit || (byte | 0x20) &- 0x61 < 26 else { break }
            hasDigit = hasDigit || isDigit
            if !part.isTooLong {
                if collects { scalars.append(UInt32(isDigit ? byte : byte | 0x20)) }
                part.length += 1
                if part.length > GermanAnalyzer.maxWordLength { part.isTooLong = true }
            }
            offset += 1
        }
        part.hasDigit = hasDigit
        // The last character consumed decides whether "." or "," may continue a number.
        lastWasDigit = bytes[offset - 1] &- 0x30 < 10
        return offset
    }

    /// Appends a word scalar folded, or a kept joiner (`'`, `.`, `,`) as it is.
    @inline(__always)
    private mutating func appendToPart(_ scalar: UInt32, _ part: inout Part, folding: Bool = true) {
        guard !part.isTooLong else { return }
        if collects {
            if folding { CharacterFolding.appendFolded(scalar, to: &scalars, latin: latin) } else { scalars.append(scalar) }
            part.length = scalars.count - part.scalarStart
        } else {
            part.length += folding ? CharacterFolding.foldedLength(scalar, latin: latin) : 1
        }
        if part.length > GermanAnalyzer.maxWordLength { part.isTooLong = true }
    }

    private mutating func finish(_ part: inout Part, reader: UTF8Reader) {
        if collects && part.needsNFC && !part.isTooLong { renormalizeNFC(&part, reader: reader) }
        part.scalarEnd = scalars.count
        parts.append(part)
    }

    /// The slow path for words with combining marks (NFD input such as
    /// `Mu\u{308}ller`): composes the part's original text and folds it again.
    private mutating func renormalizeNFC(_ part: inout Part, reader: UTF8Reader) {
        scalars.removeLast(scalars.count - part.scalarStart)
        let original = String(decoding: UnsafeBufferPointer(rebasing: reader.bytes[part.start..<part.end]), as: UTF8.self)
        let composed = String(decoding: original._nfcCodeUnits, as: UTF8.self)
        for scalar in composed.unicodeScalars {
            switch CharacterFolding.classify(scalar.value, latin: latin) {
            case .word: appendToPart(scalar.value, &part)
            case .separator where Self.isApostrophe(scalar.value): appendToPart(0x27, &part, folding: false)
            case .separator where scalar == "." || scalar == ",": appendToPart(scalar.value, &part, folding: false)
            default: break  // soft hyphens, gender marks
            }
        }
    }

    /// Separators that may join two word parts: apostrophes, `.` `,` between
    /// digits, gender marks and hyphens.
    @inline(__always)
    private static func mayJoin(_ scalar: UInt32) -> Bool {
        isApostrophe(scalar) || scalar == 0x2E || scalar == 0x2C || isGenderMark(scalar) || isHyphen(scalar)
    }

    @inline(__always)
    private static func isApostrophe(_ scalar: UInt32) -> Bool {
        scalar == 0x27 || scalar == 0x2019 || scalar == 0x2BC
    }

    /// Hyphen-minus, Unicode hyphen, non-breaking hyphen (not dashes, which separate).
    @inline(__always)
    private static func isHyphen(_ scalar: UInt32) -> Bool {
        scalar == 0x2D || scalar == 0x2010 || scalar == 0x2011
    }

    /// `*` `:` `_` `/` `·` as in Bürger*innen.
    @inline(__always)
    private static func isGenderMark(_ scalar: UInt32) -> Bool {
        scalar == 0x2A || scalar == 0x3A || scalar == 0x5F || scalar == 0x2F || scalar == 0xB7
    }

    // MARK: - Emitting

    private mutating func emitTerms(
        form: GermanAnalyzer.TermForm, prefixForms: Bool, position: inout Int,
        _ body: (AnalyzedTerm) throws -> Void
    ) rethrows {
        let isCompound = parts.count > 1
        for index in 0..<parts.count {
            let part = parts.base[index]
            guard !part.isTooLong else { continue }
            let partScalars = UnsafeBufferPointer(start: scalars.base + part.scalarStart, count: part.scalarEnd - part.scalarStart)
            let entry: TermCache.Entry
            if form == .stemmed, !part.hasDigit {
                if let cached = cache.lookUp(partScalars) {
                    entry = cached
                } else {
                    entry = makeStemAndPrefixForm(partScalars)
                    cache.insert(partScalars, term: entry.term, prefixForm: entry.prefixForm, isStopword: entry.isStopword)
                }
            } else {
                // Words with digits are folded, not stemmed: the term itself serves prefixes.
                let term = makeTerm(partScalars, form: form, hasDigit: part.hasDigit)
                entry = TermCache.Entry(term: term, prefixForm: UnsafeBufferPointer(start: nil, count: 0),
                                        isStopword: !part.hasDigit && stopwords.contains(partScalars))
            }
            try body(AnalyzedTerm(bytes: entry.term, start: part.start, end: part.end, position: position,
                                  kind: isCompound ? .compoundPart : .word, isStopword: entry.isStopword))
            // Stopwords get no prefix form: nobody searches "eine*", and they are a third of all words.
            if prefixForms, !entry.prefixForm.isEmpty, !entry.isStopword {
                try body(AnalyzedTerm(bytes: entry.prefixForm, start: part.start, end: part.end, position: position,
                                      kind: .prefixForm, isStopword: entry.isStopword))
            }
            if index == 0, isCompound, let whole = wholeCompound(form: form) {
                try body(AnalyzedTerm(bytes: whole, start: part.start, end: parts.base[parts.count - 1].end,
                                      position: position, kind: .compound, isStopword: false))
            }
            position += 1
        }
    }

    /// Stems a word and builds its ``PrefixForm``, if it gets one.
    private mutating func makeStemAndPrefixForm(_ word: UnsafeBufferPointer<UInt32>) -> TermCache.Entry {
        let (stemCount, foldCount) = stemmer.stemAndFold(scalars: word.baseAddress!, count: word.count)
        termBytes.removeAll()
        for scalar in stemmer.result(count: stemCount) { termBytes.appendUTF8(scalar) }
        let stemLength = termBytes.count
        let fold = stemmer.foldResult(count: foldCount)
        if PrefixForm.isIndexed(stem: stemmer.result(count: stemCount), folded: fold) {
            termBytes.append(PrefixForm.marker)
            for scalar in fold { termBytes.appendUTF8(scalar) }
        }
        let all = termBytes.elements
        return TermCache.Entry(
            term: UnsafeBufferPointer(rebasing: all[0..<stemLength]),
            prefixForm: UnsafeBufferPointer(rebasing: all[stemLength...]),
            isStopword: stopwords.contains(word))
    }

    /// The compound's parts joined (`opendataportal`), if none was too long.
    private mutating func wholeCompound(form: GermanAnalyzer.TermForm) -> UnsafeBufferPointer<UInt8>? {
        guard scalars.count <= GermanAnalyzer.maxWordLength, !parts.elements.contains(where: \.isTooLong) else { return nil }
        let hasDigit = parts.elements.contains(where: \.hasDigit)
        return makeTerm(UnsafeBufferPointer(start: scalars.base, count: scalars.count), form: form, hasDigit: hasDigit)
    }

    /// Stems (or folds) a word and encodes it as UTF-8 in `termBytes`.
    private mutating func makeTerm(_ word: UnsafeBufferPointer<UInt32>, form: GermanAnalyzer.TermForm, hasDigit: Bool) -> UnsafeBufferPointer<UInt8> {
        let count = stemmer.stem(scalars: word.baseAddress!, count: word.count, fold: form == .folded || hasDigit)
        let result = stemmer.result(count: count)
        termBytes.removeAll()
        for scalar in result { termBytes.appendUTF8(scalar) }
        return termBytes.elements
    }
}

/// Decodes UTF-8 scalar by scalar; an invalid or truncated sequence reads as
/// one U+FFFD per byte, so hostile input cannot stall or crash the scanner.
struct UTF8Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var count: Int { bytes.count }

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    @inline(__always)
    func scalar(at offset: Int) -> (scalar: UInt32, length: Int) {
        let b0 = UInt32(bytes[offset])
        if b0 < 0x80 { return (b0, 1) }
        return decodeMultibyte(at: offset, lead: b0)
    }

    private func decodeMultibyte(at offset: Int, lead b0: UInt32) -> (scalar: UInt32, length: Int) {
        let invalid: (UInt32, Int) = (0xFFFD, 1)
        @inline(__always) func continuation(_ k: Int) -> UInt32? {
            guard offset + k < bytes.count else { return nil }
            let b = UInt32(bytes[offset + k])
            return b & 0xC0 == 0x80 ? b & 0x3F : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            guard let b1 = continuation(1) else { return invalid }
            return ((b0 & 0x1F) << 6 | b1, 2)
        case 0xE0...0xEF:
            guard let b1 = continuation(1), let b2 = continuation(2) else { return invalid }
            let value = (b0 & 0x0F) << 12 | b1 << 6 | b2
            guard value >= 0x800, !(0xD800...0xDFFF).contains(value) else { return invalid }
            return (value, 3)
        case 0xF0...0xF4:
            guard let b1 = continuation(1), let b2 = continuation(2), let b3 = continuation(3) else { return invalid }
            let value = (b0 & 0x07) << 18 | b1 << 12 | b2 << 6 | b3
            guard (0x10000...0x10FFFF).contains(value) else { return invalid }
            return (value, 4)
        default:
            return invalid
        }
    }

    /// How many bytes of a name's closing symbols start at `offset`: `#` after
    /// a name of one or two letters (C#, F#), `++` after any (C++, Notepad++),
    /// then no word character; nil if none do.
    func closingNameSymbols(at offset: Int, afterLetters letters: Int, latin: UnsafePointer<(UInt32, UInt32)>) -> Int? {
        func byte(_ k: Int) -> UInt8 { offset + k < bytes.count ? bytes[offset + k] : 0 }
        let count: Int
        if byte(0) == UInt8(ascii: "#"), (1...2).contains(letters) {
            count = 1
        } else if byte(0) == UInt8(ascii: "+"), byte(1) == UInt8(ascii: "+"), letters >= 1 {
            count = 2
        } else {
            return nil
        }
        guard offset + count < bytes.count else { return count }
        let next = scalar(at: offset + count).scalar
        return CharacterFolding.classify(next, latin: latin) == .word || next == 0x23 || next == 0x2B ? nil : count
    }

    /// Whether `in`/`In` (then a non-letter) or `innen` starts at `offset`:
    /// the feminine ending after a gender mark.
    func startsGenderSuffix(at offset: Int) -> Bool {
        func byte(_ k: Int) -> UInt8 { offset + k < bytes.count ? bytes[offset + k] : 0 }
        guard byte(0) | 0x20 == UInt8(ascii: "i"), byte(1) == UInt8(ascii: "n") else { return false }
        if byte(2) == UInt8(ascii: "n"), byte(3) == UInt8(ascii: "e"), byte(4) == UInt8(ascii: "n") { return true }
        guard offset + 2 < bytes.count else { return true }
        return CharacterFolding.classify(scalar(at: offset + 2).scalar) != .word
    }
}
