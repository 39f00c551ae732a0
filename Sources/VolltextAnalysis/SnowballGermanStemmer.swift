/// The Snowball German stemmer (Snowball 3.x, which merged the former "german2"
/// variant): `häuser` → `haus`, `straße` → `strass`, `mueller` → `mull`.
///
/// The algorithm is <https://snowballstem.org/algorithms/german/stemmer.html>,
/// written out by hand over Unicode scalars so that it allocates nothing per word.
/// Because the stemmer folds umlauts (`ä`/`ae` → `a`) and `ß` → `ss` itself, a
/// stem is the same whichever way a German word was typed.
///
/// Rules implementers must keep:
/// - Input is one lower-case word, NFC-normalised. Upper-case `U` and `Y` are
///   the algorithm's own markers (a `u`/`y` between vowels), never input.
/// - Every region (`p1`, `p2`) and cursor counts scalars, not bytes.
/// - Results must agree with Snowball's `output.txt` for every word of its
///   `voc.txt`: a test checks the whole file.
///
/// A stemmer owns scratch buffers, so one instance serves one thread.
public final class SnowballGermanStemmer {
    /// Scratch the word is copied into and stemmed in place.
    private var work: UnsafeMutablePointer<UInt32>
    private var capacity: Int

    public init() {
        capacity = 64
        work = .allocate(capacity: capacity)
    }

    deinit { work.deallocate() }

    /// The stem of a lower-case word; a convenience that allocates.
    public func stem(_ word: String) -> String {
        var scalars = word.unicodeScalars.map(\.value)
        let count = scalars.withUnsafeMutableBufferPointer { buffer in
            stem(scalars: buffer.baseAddress!, count: buffer.count, fold: false)
        }
        var stemmed = String.UnicodeScalarView()
        for scalar in result(count: count) { stemmed.append(Unicode.Scalar(scalar)!) }
        return String(stemmed)
    }

    /// Stems `count` scalars read from `scalars`; the result (already with
    /// umlauts folded) is left in `result(count:)`, valid until the next call.
    ///
    /// With `fold: true` only the umlaut/ß folding runs (prelude and postlude,
    /// no suffix removal): the form used to match word prefixes.
    @discardableResult
    public func stem(scalars: UnsafePointer<UInt32>, count: Int, fold: Bool = false) -> Int {
        // The prelude turns each ß into two scalars, so the work buffer needs twice the room.
        reserve(2 * count)
        var n = prelude(from: scalars, count: count)
        if !fold {
            var regions = markRegions(count: n)
            n = standardSuffix(count: n, regions: &regions)
        }
        postlude(count: n)
        return n
    }

    /// The scalars of the last result.
    public func result(count: Int) -> UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(start: work, count: count)
    }

    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        work.deallocate()
        capacity = max(needed, capacity * 2)
        work = .allocate(capacity: capacity)
    }

    // MARK: - Characters

    private static let ä: UInt32 = 0xE4, ö: UInt32 = 0xF6, ü: UInt32 = 0xFC, ß: UInt32 = 0xDF
    private static let markU = UInt32(UInt8(ascii: "U")), markY = UInt32(UInt8(ascii: "Y"))

    /// `v`: a e i o u y ä ö ü.
    @inline(__always)
    private static func isVowel(_ c: UInt32) -> Bool {
        switch c {
        case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79, ä, ö, ü: return true
        default: return false
        }
    }

    /// `s_ending`: b d f g h k l m n r t.
    @inline(__always)
    private static func isSEnding(_ c: UInt32) -> Bool {
        switch c {
        case 0x62, 0x64, 0x66, 0x67, 0x68, 0x6B, 0x6C, 0x6D, 0x6E, 0x72, 0x74: return true
        default: return false
        }
    }

    /// `st_ending`: `s_ending` without r.
    @inline(__always)
    private static func isSTEnding(_ c: UInt32) -> Bool { c != 0x72 && isSEnding(c) }

    /// `et_ending`: d f g k l m n r s t U z ä.
    @inline(__always)
    private static func isETEnding(_ c: UInt32) -> Bool {
        switch c {
        case 0x64, 0x66, 0x67, 0x6B, 0x6C, 0x6D, 0x6E, 0x72, 0x73, 0x74, markU, 0x7A, ä: return true
        default: return false
        }
    }

    // MARK: - Prelude and postlude

    /// Marks `u`/`y` between vowels as `U`/`Y` (kept as consonants), then rewrites
    /// ß → ss and ae/oe/ue → ä/ö/ü, except the `ue` of `que`. Copies into `work`.
    private func prelude(from input: UnsafePointer<UInt32>, count: Int) -> Int {
        let w = work
        // Step 1, in place on the input's copy: a marked U is no vowel for its right neighbour.
        for i in 0..<count { w[count + i] = input[i] }  // the upper half holds the copy
        let src = w + count
        if count >= 3 {
            for i in 0..<(count - 2) where Self.isVowel(src[i]) && Self.isVowel(src[i + 2]) {
                if src[i + 1] == 0x75 { src[i + 1] = Self.markU }
                else if src[i + 1] == 0x79 { src[i + 1] = Self.markY }
            }
        }
        // Step 2, copying from the upper half down: even if every scalar were
        // an ß growing into two, writes stay below the upper half's unread part.
        var read = 0, write = 0
        while read < count {
            let c = src[read]
            let next: UInt32 = read + 1 < count ? src[read + 1] : 0
            if c == Self.ß {
                w[write] = 0x73; w[write + 1] = 0x73
                write += 2; read += 1
            } else if next == 0x65, c == 0x61 || c == 0x6F || c == 0x75 {
                w[write] = c == 0x61 ? Self.ä : c == 0x6F ? Self.ö : Self.ü
                write += 1; read += 2
            } else if c == 0x71, next == 0x75 {  // "qu" is kept as it is
                w[write] = c; w[write + 1] = next
                write += 2; read += 2
            } else {
                w[write] = c
                write += 1; read += 1
            }
        }
        return write
    }

    /// Undoes the markers and folds umlauts: U → u, Y → y, ä → a, ö → o, ü → u.
    private func postlude(count: Int) {
        let w = work
        for i in 0..<count {
            switch w[i] {
            case Self.markU, Self.ü: w[i] = 0x75
            case Self.markY: w[i] = 0x79
            case Self.ä: w[i] = 0x61
            case Self.ö: w[i] = 0x6F
            default: break
            }
        }
    }

    // MARK: - Regions

    private struct Regions { var p1: Int; var p2: Int }

    /// R1 starts after the first non-vowel that follows a vowel, but at least at
    /// scalar 3; R2 is the same rule applied again inside R1.
    private func markRegions(count n: Int) -> Regions {
        var regions = Regions(p1: n, p2: n)
        guard n >= 3 else { return regions }
        guard let p1 = afterVowelThenNonVowel(from: 0, count: n) else { return regions }
        regions.p1 = max(p1, 3)
        // p2 continues from where p1 was found, before it was moved up to 3.
        if let p2 = afterVowelThenNonVowel(from: p1, count: n) { regions.p2 = p2 }
        return regions
    }

    /// The position after the first non-vowel that follows a vowel, from `start`.
    private func afterVowelThenNonVowel(from start: Int, count n: Int) -> Int? {
        var i = start
        while i < n, !Self.isVowel(work[i]) { i += 1 }
        i += 1
        while i < n, Self.isVowel(work[i]) { i += 1 }
        guard i < n else { return nil }
        return i + 1
    }

    // MARK: - Suffixes

    /// Whether the scalars ending at `end` spell `suffix` (ASCII only).
    @inline(__always)
    private func ends(at end: Int, with suffix: StaticString) -> Bool {
        let length = suffix.utf8CodeUnitCount
        guard end >= length else { return false }
        let bytes = suffix.utf8Start
        for k in 0..<length where work[end - length + k] != UInt32(bytes[k]) { return false }
        return true
    }

    /// The longest of `suffixes` that the word ends with at `end`, as an index.
    @inline(__always)
    private func longestSuffix(at end: Int, among suffixes: [StaticString]) -> Int? {
        var best: Int?
        var bestLength = 0
        for (index, suffix) in suffixes.enumerated()
        where suffix.utf8CodeUnitCount > bestLength && ends(at: end, with: suffix) {
            best = index
            bestLength = suffix.utf8CodeUnitCount
        }
        return best
    }

    private static let step1: [StaticString] = ["e", "em", "en", "erinnen", "erin", "ln", "ern", "er", "s", "es", "lns"]
    private static let step2: [StaticString] = ["en", "er", "et", "st", "est"]
    private static let step2KeepET: [StaticString] = ["tick", "plan", "geordn", "intern", "tr"]
    private static let step3: [StaticString] = ["end", "ig", "ung", "lich", "isch", "ik", "heit", "keit"]
    private static let step3AfterKeit: [StaticString] = ["lich", "ig"]
    private static let apostrophe: [StaticString] = ["'", "'sch", "'s"]

    /// Snowball's `standard_suffix`: each of the four steps looks at the word's
    /// end as the previous step left it, takes the longest listed suffix, and
    /// acts only if that suffix lies in the step's region. Returns the new count.
    private func standardSuffix(count: Int, regions: inout Regions) -> Int {
        var n = count
        let p1 = regions.p1, p2 = regions.p2

        // Step 1: inflection endings in R1.
        if let i = longestSuffix(at: n, among: Self.step1) {
            let start = n - Self.step1[i].utf8CodeUnitCount
            if p1 <= start {
                switch i {
                case 1:  // em
                    if !ends(at: start, with: "syst") { n = start }  // keep "system"
                case 3, 4, 6, 7:  // erinnen, erin, ern, er
                    n = start
                case 0, 2, 9:  // e, en, es
                    n = start
                    if ends(at: n, with: "niss") { n -= 1 }  // -nisse → -nis
                case 8:  // s
                    if start > 0, Self.isSEnding(work[start - 1]) { n = start }
                default:  // "ln", "lns" → "l"
                    work[start] = 0x6C
                    n = start + 1
                }
            }
        }

        // Step 2: -en, -er, -est, -st, -et in R1.
        if let i = longestSuffix(at: n, among: Self.step2) {
            let start = n - Self.step2[i].utf8CodeUnitCount
            if p1 <= start {
                switch i {
                case 3:  // st
                    // A st_ending letter before, and at least three letters before that.
                    if start >= 4, Self.isSTEnding(work[start - 1]) { n = start }
                case 2:  // et
                    if start > 0, Self.isETEnding(work[start - 1]),
                       longestSuffix(at: start, among: Self.step2KeepET) == nil {
                        n = start
                    }
                default:  // en, er, est
                    n = start
                }
            }
        }

        // Step 3: derivational endings in R2.
        if let i = longestSuffix(at: n, among: Self.step3) {
            let start = n - Self.step3[i].utf8CodeUnitCount
            if p2 <= start {
                switch i {
                case 0, 2:  // end, ung
                    n = start
                    if ends(at: n, with: "ig"), !ends(at: n - 2, with: "e"), p2 <= n - 2 { n -= 2 }
                case 1, 4, 5:  // ig, isch, ik
                    if !ends(at: start, with: "e") { n = start }
                case 3, 6:  // lich, heit
                    n = start
                    if ends(at: n, with: "er") || ends(at: n, with: "en"), p1 <= n - 2 { n -= 2 }
                default:  // "keit"
                    n = start
                    if let k = longestSuffix(at: n, among: Self.step3AfterKeit) {
                        let kStart = n - Self.step3AfterKeit[k].utf8CodeUnitCount
                        if p2 <= kStart { n = kStart }
                    }
                }
            }
        }

        // Step 4: a trailing apostrophe, 's or 'sch, if two letters remain.
        if let i = longestSuffix(at: n, among: Self.apostrophe) {
            let start = n - Self.apostrophe[i].utf8CodeUnitCount
            if start >= 2 { n = start }
        }
        return n
    }
}
