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
    private var foldOffset = 0
    /// Scratch for `stem(utf8:)`.
    private var input = ScalarBuffer()
    private var output = ScratchBuffer<UInt8>()

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
        let w = work
        var n = Self.prelude(w, from: scalars, count: count)
        if !fold {
            n = Self.standardSuffix(w, count: n, regions: Self.markRegions(w, count: n))
        }
        Self.postlude(w, count: n)
        return n
    }

    /// Stems a word and also keeps its folded form (umlauts and ß folded, no
    /// suffix removed) from the same prelude: the analyzer indexes both, so
    /// that prefix queries match the start of whole words. Results are in
    /// `result(count:)` and `foldResult(count:)`, valid until the next call.
    public func stemAndFold(scalars: UnsafePointer<UInt32>, count: Int) -> (stem: Int, fold: Int) {
        reserve(4 * count)  // the stem in the lower half, the fold in the upper
        let w = work
        let n = Self.prelude(w, from: scalars, count: count)
        let folded = w + 2 * count
        folded.update(from: w, count: n)
        let stemCount = Self.standardSuffix(w, count: n, regions: Self.markRegions(w, count: n))
        Self.postlude(w, count: stemCount)
        Self.postlude(folded, count: n)
        foldOffset = 2 * count
        return (stemCount, n)
    }

    /// The folded form from the last `stemAndFold`.
    public func foldResult(count: Int) -> UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(start: work + foldOffset, count: count)
    }

    /// Stems one lower-case word given and returned as UTF-8, for streaming
    /// word lists; invalid UTF-8 reads as U+FFFD. The result is valid until the
    /// next call.
    public func stem(utf8 word: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        Self.decode(word, into: &input)  // one exclusive access per buffer, not one per scalar
        let count = stem(scalars: input.base, count: input.count)
        Self.encode(result(count: count), into: &output)
        return output.elements
    }

    private static func decode(_ utf8: UnsafeBufferPointer<UInt8>, into scalars: inout ScalarBuffer) {
        scalars.removeAll()
        let reader = UTF8Reader(utf8)
        var offset = 0
        while offset < utf8.count {
            let (scalar, length) = reader.scalar(at: offset)
            scalars.append(scalar)
            offset += length
        }
    }

    private static func encode(_ scalars: UnsafeBufferPointer<UInt32>, into utf8: inout ScratchBuffer<UInt8>) {
        utf8.removeAll()
        for scalar in scalars { utf8.appendUTF8(scalar) }
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

    /// Snowball's prelude in one pass from `input` into `w`: a `u`/`y` between
    /// vowels becomes the consonant marker `U`/`Y`; then ß → ss and
    /// ae/oe/ue → ä/ö/ü, except the `ue` of `que` and a marked `Ue`.
    ///
    /// Snowball runs the marking over the whole word before the rewriting; one
    /// pass gives the same result because marking only looks at the raw next
    /// scalar and at whether the previous one, as marked, is a vowel.
    private static func prelude(_ w: UnsafeMutablePointer<UInt32>, from input: UnsafePointer<UInt32>, count: Int) -> Int {
        var read = 0, write = 0
        var previousIsVowel = false  // of the marked scalar before `read`
        while read < count {
            let c = input[read]
            let next: UInt32 = read + 1 < count ? input[read + 1] : 0
            if (c == 0x75 || c == 0x79), previousIsVowel, isVowel(next) {
                w[write] = c == 0x75 ? markU : markY
                write += 1; read += 1
                previousIsVowel = false
            } else if c == ß {
                w[write] = 0x73; w[write + 1] = 0x73
                write += 2; read += 1
                previousIsVowel = false
            } else if next == 0x65, c == 0x61 || c == 0x6F || c == 0x75 {
                w[write] = c == 0x61 ? ä : c == 0x6F ? ö : ü
                write += 1; read += 2
                previousIsVowel = true  // the e
            } else if c == 0x71, next == 0x75 {  // "qu" is kept as it is
                w[write] = c; w[write + 1] = next
                write += 2; read += 2
                previousIsVowel = true  // the u
            } else {
                w[write] = c
                write += 1; read += 1
                previousIsVowel = isVowel(c)
            }
        }
        return write
    }

    /// Undoes the markers and folds umlauts: U → u, Y → y, ä → a, ö → o, ü → u.
    private static func postlude(_ w: UnsafeMutablePointer<UInt32>, count: Int) {
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
    private static func markRegions(_ w: UnsafeMutablePointer<UInt32>, count n: Int) -> Regions {
        var regions = Regions(p1: n, p2: n)
        guard n >= 3 else { return regions }
        guard let p1 = afterVowelThenNonVowel(w, from: 0, count: n) else { return regions }
        regions.p1 = max(p1, 3)
        // p2 continues from where p1 was found, before it was moved up to 3.
        if let p2 = afterVowelThenNonVowel(w, from: p1, count: n) { regions.p2 = p2 }
        return regions
    }

    /// The position after the first non-vowel that follows a vowel, from `start`.
    @inline(__always)
    private static func afterVowelThenNonVowel(_ w: UnsafeMutablePointer<UInt32>, from start: Int, count n: Int) -> Int? {
        var i = start
        while i < n, !isVowel(w[i]) { i += 1 }
        i += 1
        while i < n, isVowel(w[i]) { i += 1 }
        guard i < n else { return nil }
        return i + 1
    }

    // MARK: - Suffixes

    /// Whether the scalars ending at `end` spell `suffix` (ASCII only).
    @inline(__always)
    private static func ends(_ w: UnsafeMutablePointer<UInt32>, at end: Int, with suffix: StaticString) -> Bool {
        let length = suffix.utf8CodeUnitCount
        guard end >= length else { return false }
        let bytes = suffix.utf8Start
        for k in 0..<length where w[end - length + k] != UInt32(bytes[k]) { return false }
        return true
    }

    /// Snowball's `standard_suffix`: each of the four steps looks at the word's
    /// end as the previous step left it, takes the *longest* of its suffixes
    /// that the word ends with, and acts only if that suffix starts in the
    /// step's region; a shorter suffix is never tried instead. Returns the new count.
    private static func standardSuffix(_ w: UnsafeMutablePointer<UInt32>, count: Int, regions: Regions) -> Int {
        var n = count
        let p1 = regions.p1, p2 = regions.p2
        @inline(__always) func ends(_ suffix: StaticString) -> Bool { Self.ends(w, at: n, with: suffix) }
        @inline(__always) func before(_ start: Int) -> UInt32 { start > 0 ? w[start - 1] : 0 }

        // Step 1: -em -ern -er -erin -erinnen -e -en -es -s -ln -lns, in R1.
        // Longest first within each group of suffixes sharing a last letter.
        if ends("em") {
            if p1 <= n - 2, !Self.ends(w, at: n - 2, with: "syst") { n -= 2 }  // keep "system"
        } else if ends("erinnen") || ends("erin") || ends("ern") || ends("er") {
            let length = ends("erinnen") ? 7 : ends("erin") ? 4 : ends("ern") ? 3 : 2
            if p1 <= n - length { n -= length }
        } else if ends("lns") || ends("ln") {
            let length = ends("lns") ? 3 : 2
            if p1 <= n - length { n -= length - 1 }  // -ln, -lns → -l
        } else if ends("en") || ends("es") || ends("e") {
            let length = ends("e") ? 1 : 2
            if p1 <= n - length {
                n -= length
                if Self.ends(w, at: n, with: "niss") { n -= 1 }  // -nisse → -nis
            }
        } else if ends("s") {
            if p1 <= n - 1, isSEnding(before(n - 1)) { n -= 1 }
        }

        // Step 2: -en -er -est in R1; -st after an st_ending letter with three
        // letters before it; -et after an et_ending letter, unless a listed stem.
        if ends("en") || ends("er") {
            if p1 <= n - 2 { n -= 2 }
        } else if ends("est") {
            if p1 <= n - 3 { n -= 3 }
        } else if ends("st") {
            if p1 <= n - 2, n - 2 >= 4, isSTEnding(before(n - 2)) { n -= 2 }
        } else if ends("et") {
            let start = n - 2
            if p1 <= start, isETEnding(before(start)),
               !(Self.ends(w, at: start, with: "tick") || Self.ends(w, at: start, with: "plan")
                 || Self.ends(w, at: start, with: "geordn") || Self.ends(w, at: start, with: "intern")
                 || Self.ends(w, at: start, with: "tr")) {
                n = start
            }
        }

        // Step 3: derivational endings in R2.
        if ends("end") || ends("ung") {
            if p2 <= n - 3 {
                n -= 3
                if ends("ig"), before(n - 2) != 0x65, p2 <= n - 2 { n -= 2 }  // -igend, -igung, not -eig…
            }
        } else if ends("isch") || ends("ig") || ends("ik") {
            let length = ends("isch") ? 4 : 2
            if p2 <= n - length, before(n - length) != 0x65 { n -= length }  // not after e
        } else if ends("lich") || ends("heit") {
            if p2 <= n - 4 {
                n -= 4
                if ends("er") || ends("en"), p1 <= n - 2 { n -= 2 }
            }
        } else if ends("keit") {
            if p2 <= n - 4 {
                n -= 4
                if ends("lich") { if p2 <= n - 4 { n -= 4 } }
                else if ends("ig") { if p2 <= n - 2 { n -= 2 } }
            }
        }

        // Step 4: a trailing ', 's or 'sch, if two letters remain before it.
        if ends("'sch") {
            if n - 4 >= 2 { n -= 4 }
        } else if ends("'s") {
            if n - 2 >= 2 { n -= 2 }
        } else if ends("'") {
            if n - 1 >= 2 { n -= 1 }
        }
        return n
    }
}
