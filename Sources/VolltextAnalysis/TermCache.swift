#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers the stems (and prefix forms) of recently seen words, so that
/// frequent words (most of any text, by Zipf's law) skip the stemmer and the
/// stopword lookup.
///
/// Direct-mapped: each word hashes to one slot, and a newer word evicts an
/// older one there. Only short words are cached; a longer one simply misses.
struct TermCache: ~Copyable {
    static let maxWordLength = 24   // scalars
    static let maxTermLength = 48   // UTF-8 bytes, each of stem and prefix form
    /// Enough for most of a blog's vocabulary: on the real posts, 2,048 slots
    /// analyse 53 MB/s, 8,192 61 MB/s, 32,768 67 MB/s. About 6.5 MB when full,
    /// and only the slots in use take memory (see `init`). A query needs few.
    static let documentSlots = 32768
    static let querySlots = 16

    /// One slot: the word's folded scalars, its stem and prefix form as UTF-8
    /// (back to back in `term`), and whether it is a stopword.
    private struct Slot {
        var wordLength: UInt8 = 0  // 0: empty
        var termLength: UInt8 = 0
        var prefixLength: UInt8 = 0
        var isStopword = false
        var word: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)  // 24 UInt32
        var term: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)  // 96 bytes
    }

    /// A cached word's terms; the bytes stay valid until the next `insert`.
    struct Entry {
        var term: UnsafeBufferPointer<UInt8>
        /// Empty when the folded word equals the stem.
        var prefixForm: UnsafeBufferPointer<UInt8>
        var isStopword: Bool
    }

    private let slots: UnsafeMutablePointer<Slot>
    private let mask: Int

    /// `slotCount` must be a power of two.
    init(slotCount: Int = TermCache.documentSlots) {
        precondition(slotCount > 0 && slotCount & (slotCount - 1) == 0, "slot count must be a power of two")
        mask = slotCount - 1
        // All zeros is an empty slot, and calloc's zeroed pages cost no memory
        // until they are written: a connection that only analyses queries never
        // pays for the slots a reindex fills.
        guard let memory = calloc(slotCount, MemoryLayout<Slot>.stride) else { fatalError("out of memory") }
        slots = memory.bindMemory(to: Slot.self, capacity: slotCount)
    }

    deinit { free(slots) }

    @inline(__always)
    private func slotIndex(of word: UnsafeBufferPointer<UInt32>) -> Int {
        var hash: UInt32 = 2_166_136_261  // FNV-1a
        for scalar in word { hash = (hash ^ scalar) &* 16_777_619 }
        return Int(hash ^ (hash >> 15)) & mask
    }

    /// The cached terms of `word`, if present.
    @inline(__always)
    func lookUp(_ word: UnsafeBufferPointer<UInt32>) -> Entry? {
        guard word.count <= Self.maxWordLength else { return nil }
        let slot = slots + slotIndex(of: word)
        guard Int(slot.pointee.wordLength) == word.count else { return nil }
        let matches = withUnsafeMutableBytes(of: &slot.pointee.word) { raw in
            let cached = raw.bindMemory(to: UInt32.self)
            for i in 0..<word.count where cached[i] != word[i] { return false }
            return true
        }
        guard matches else { return nil }
        let term = Self.termBytes(of: slot)
        let termLength = Int(slot.pointee.termLength)
        return Entry(term: UnsafeBufferPointer(start: term, count: termLength),
                     prefixForm: UnsafeBufferPointer(start: term + termLength, count: Int(slot.pointee.prefixLength)),
                     isStopword: slot.pointee.isStopword)
    }

    @inline(__always)
    private static func termBytes(of slot: UnsafeMutablePointer<Slot>) -> UnsafeMutablePointer<UInt8> {
        (UnsafeMutableRawPointer(slot) + MemoryLayout<Slot>.offset(of: \Slot.term)!).assumingMemoryBound(to: UInt8.self)
    }

    @inline(__always)
    func insert(_ word: UnsafeBufferPointer<UInt32>, term: UnsafeBufferPointer<UInt8>,
                prefixForm: UnsafeBufferPointer<UInt8>, isStopword: Bool) {
        guard word.count <= Self.maxWordLength, term.count <= Self.maxTermLength,
              prefixForm.count <= Self.maxTermLength else { return }
        let slot = slots + slotIndex(of: word)
        slot.pointee.wordLength = UInt8(word.count)
        slot.pointee.termLength = UInt8(term.count)
        slot.pointee.prefixLength = UInt8(prefixForm.count)
        slot.pointee.isStopword = isStopword
        withUnsafeMutableBytes(of: &slot.pointee.word) { raw in
            _ = raw.bindMemory(to: UInt32.self).initialize(from: word)
        }
        let bytes = Self.termBytes(of: slot)
        if let base = term.baseAddress { bytes.update(from: base, count: term.count) }
        if let base = prefixForm.baseAddress { (bytes + term.count).update(from: base, count: prefixForm.count) }
    }
}
