/// How the analyzer sees one Unicode scalar: whether it belongs to a word, and
/// what a word character becomes once lower-cased and folded.
///
/// Folding drops accents that German does not distinguish (`é` → `e`, `ç` → `c`,
/// `ø` → `o`), so that `Café` finds `Cafe`. It keeps `ä ö ü ß`: the Snowball
/// stemmer folds those itself, and must see them to treat `ae`/`ue` right.
enum CharacterFolding {
    /// What a scalar is to the word scanner.
    enum Class: UInt8 {
        /// Separates words: spaces (including U+00A0), punctuation, symbols, emoji.
        case separator
        /// A letter or digit (or a combining mark, which joins its base letter).
        case word
        /// Invisible inside a word and skipped: soft hyphen, zero-width characters.
        case ignorable
    }

    /// Lower-cased, folded form of each scalar below U+0250, two scalars at
    /// most (`æ` → `ae`); `.0 == 0` marks a non-word scalar.
    ///
    /// A raw pointer rather than an array: the scanner reads it for every
    /// character, and a global array would cost a lazy-initialisation check and
    /// a bounds check each time. It is filled once and never freed or written
    /// again, which is what makes sharing it across threads safe.
    nonisolated(unsafe) static let latin: UnsafePointer<(UInt32, UInt32)> = {
        let table = UnsafeMutablePointer<(UInt32, UInt32)>.allocate(capacity: latinCount)
        table.initialize(repeating: (0, 0), count: latinCount)
        for value in UInt32(0)..<UInt32(latinCount) {
            let scalar = Unicode.Scalar(value)!
            guard isWordScalar(scalar) else { continue }
            let lower = scalar.properties.lowercaseMapping.unicodeScalars.first!.value
            table[Int(value)] = accentFolds[lower] ?? (lower, 0)
        }
        return UnsafePointer(table)
    }()

    static let latinCount = 0x250

    /// Accented lower-case Latin letters and what they fold to.
    private static let accentFolds: [UInt32: (UInt32, UInt32)] = {
        let groups: [(String, String)] = [
            ("àáâãåāăą", "a"), ("æ", "ae"), ("çćĉċč", "c"), ("ďđð", "d"),
            ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"), ("ìíîïĩīĭįı", "i"),
            ("ĳ", "ij"), ("ĵ", "j"), ("ķĸ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉŋ", "n"),
            ("òóôõøōŏő", "o"), ("œ", "oe"), ("ŕŗř", "r"), ("śŝşšſ", "s"), ("ţťŧ", "t"),
            ("ùúûũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"), ("þ", "th"),
        ]
        var folds: [UInt32: (UInt32, UInt32)] = [:]
        for (letters, base) in groups {
            let b = base.unicodeScalars.map(\.value)
            for letter in letters.unicodeScalars { folds[letter.value] = (b[0], b.count > 1 ? b[1] : 0) }
        }
        return folds
    }()

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic || properties.numericType == .decimal { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    @inline(__always)
    static func classify(_ value: UInt32, latin: UnsafePointer<(UInt32, UInt32)> = latin) -> Class {
        if value < 0x250 { return latin[Int(value)].0 != 0 ? .word : (value == 0xAD ? .ignorable : .separator) }
        switch value {
        case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF: return .ignorable
        case 0x2000...0x206F: return .separator  // general punctuation: „ “ – … and spaces
        default: return isWordScalar(Unicode.Scalar(value) ?? "\u{FFFD}") ? .word : .separator
        }
    }

    /// Whether NFC could compose this scalar with the one before it: such words
    /// take the slow path through the standard library's NFC.
    @inline(__always)
    static func mayCompose(_ value: UInt32) -> Bool {
        value >= 0x300 && (Unicode.Scalar(value)?.properties.canonicalCombiningClass ?? .notReordered) != .notReordered
    }

    /// How many scalars `appendFolded` would append for a word scalar.
    @inline(__always)
    static func foldedLength(_ value: UInt32, latin: UnsafePointer<(UInt32, UInt32)> = latin) -> Int {
        if value < 0x250 { return latin[Int(value)].1 != 0 ? 2 : 1 }
        guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased else { return 1 }
        return scalar.properties.lowercaseMapping.unicodeScalars.reduce(0) { count, lower in
            count + (lower.value < 0x250 && latin[Int(lower.value)].0 != 0 ? foldedLength(lower.value, latin: latin) : 1)
        }
    }

    /// Appends the lower-cased, folded form of a word scalar to `output`.
    @inline(__always)
    static func appendFolded(_ value: UInt32, to output: inout ScalarBuffer, latin: UnsafePointer<(UInt32, UInt32)> = latin) {
        if value < 0x250 {
            let folded = latin[Int(value)]
            output.append(folded.0)
            if folded.1 != 0 { output.append(folded.1) }
            return
        }
        guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased else {
            output.append(value)
            return
        }
        for lower in scalar.properties.lowercaseMapping.unicodeScalars {  // ẞ → ß
            if lower.value < 0x250, latin[Int(lower.value)].0 != 0 {
                appendFolded(lower.value, to: &output, latin: latin)
            } else {
                output.append(lower.value)
            }
        }
    }
}

/// A growable buffer that is reused across words, so that analysing a
/// document allocates only when a word is longer than any before it.
struct ScratchBuffer<Element: BitwiseCopyable>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow() }
        base[count] = value
        count += 1
    }

    mutating func removeAll() { count = 0 }

    mutating func removeLast(_ k: Int) { count -= k }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}

typealias ScalarBuffer = ScratchBuffer<UInt32>

extension ScratchBuffer where Element == UInt8 {
    /// Appends a scalar as UTF-8.
    @inline(__always)
    mutating func appendUTF8(_ scalar: UInt32) {
        if scalar < 0x80 {
            append(UInt8(truncatingIfNeeded: scalar))
        } else {
            UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}") { append($0) }
        }
    }
}
