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

    /// One slot's lengths and flag; its word and terms live in `words` and
    /// `terms` at the slot's index, each array bound to its own element type
    /// (no tuple memory seen through another type).
    private struct Slot {
        var wordLength: UInt8 = 0  // 0: empty
        var termLength: UInt8 = 0
        var prefixLength: UInt8 = 0
        var isStopword = false
    }

    /// A cached word's terms; the bytes stay valid until the next `insert`.
    struct Entry {
        var term: UnsafeBufferPointer<UInt8>
        /// Empty when the folded word equals the stem.
        var prefixForm: UnsafeBufferPointer<UInt8>
        var isStopword: Bool
    }

    private let slots: UnsafeMutablePointer<Slot>
    /// `maxWordLength` folded scalars per slot.
    private let words: UnsafeMutablePointer<UInt32>
    /// The stem and prefix form back to back, `2 * maxTermLength` bytes per slot.
    private let terms: UnsafeMutablePointer<UInt8>
    private let mask: Int

    /// `slotCount` must be a power of two.
    init(slotCount: Int = TermCache.documentSlots) {
        precondition(slotCount > 0 && slotCount & (slotCount - 1) == 0, "slot count must be a power of two")
        mask = slotCount - 1
        // All zeros is an empty slot, and calloc's zeroed pages cost no memory
        // until they are written: a connection that only analyses queries never
        // pays for the slots a reindex fills.
        guard let slotMemory = calloc(slotCount, MemoryLayout<Slot>.stride),
              let wordMemory = calloc(slotCount * Self.maxWordLength, MemoryLayout<UInt32>.stride),
              let termMemory = calloc(slotCount * 2 * Self.maxTermLength, 1) else { fatalError("out of memory") }
        slots = slotMemory.bindMemory(to: Slot.self, capacity: slotCount)
        words = wordMemory.bindMemory(to: UInt32.self, capacity: slotCount * Self.maxWordLength)
        terms = termMemory.bindMemory(to: UInt8.self, capacity: slotCount * 2 * Self.maxTermLength)
    }

    deinit {
        free(slots)
        free(words)
        free(terms)
    }

    @inline(__always)
    private func slotIndex(of word: UnsafeBufferPointer<UInt32>) -> Int {
        FNV1a.slot(of: word, mask: mask)
    }

    /// The cached terms of `word`, if present.
    @inline(__always)
    func lookUp(_ word: UnsafeBufferPointer<UInt32>) -> Entry? {
        guard word.count <= Self.maxWordLength else { return nil }
        let index = slotIndex(of: word)
        let slot = slots + index
        guard Int(slot.pointee.wordLength) == word.count else { return nil }
        let cached = words + index * Self.maxWordLength
        for i in 0..<word.count where cached[i] != word[i] { return nil }
        let term = terms + index * 2 * Self.maxTermLength
        let termLength = Int(slot.pointee.termLength)
        return Entry(term: UnsafeBufferPointer(start: term, count: termLength),
                     prefixForm: UnsafeBufferPointer(start: term + termLength, count: Int(slot.pointee.prefixLength)),
                     isStopword: slot.pointee.isStopword)
    }

    @inline(__always)
    func insert(_ word: UnsafeBufferPointer<UInt32>, term: UnsafeBufferPointer<UInt8>,
                prefixForm: UnsafeBufferPointer<UInt8>, isStopword: Bool) {
        guard word.count <= Self.maxWordLength, term.count <= Self.maxTermLength,
              prefixForm.count <= Self.maxTermLength else { return }
        let index = slotIndex(of: word)
        let slot = slots + index
        slot.pointee.wordLength = UInt8(word.count)
        slot.pointee.termLength = UInt8(term.count)
        slot.pointee.prefixLength = UInt8(prefixForm.count)
        slot.pointee.isStopword = isStopword
        if let base = word.baseAddress { (words + index * Self.maxWordLength).update(from: base, count: word.count) }
        let bytes = terms + index * 2 * Self.maxTermLength
        if let base = term.baseAddress { bytes.update(from: base, count: term.count) }
        if let base = prefixForm.baseAddress { (bytes + term.count).update(from: base, count: prefixForm.count) }
    }
}
