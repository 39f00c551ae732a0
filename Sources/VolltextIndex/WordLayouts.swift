import DequeModule
import Synchronization

/// The byte ranges of a body's words by word position, as far as they have
/// been read: what a snippet needs to turn FTS5's word positions into text.
struct WordRanges: Sendable {
    /// Each word's start and end byte, back to back (a body has at most 10 MB).
    private var bounds: [UInt32] = []
    /// Whether every word of the body has been read.
    var isComplete = false

    var count: Int { bounds.count >> 1 }

    /// Memory held, for ``WordLayoutCache``'s budget.
    var byteCount: Int { bounds.capacity * MemoryLayout<UInt32>.stride }

    subscript(position: Int) -> (start: Int, end: Int) {
        (Int(bounds[position << 1]), Int(bounds[position << 1 | 1]))
    }

    mutating func append(start: Int, end: Int) {
        bounds.append(UInt32(truncatingIfNeeded: start))
        bounds.append(UInt32(truncatingIfNeeded: end))
    }

    mutating func reserveCapacity(words: Int) { bounds.reserveCapacity(words << 1) }

    /// Whether these ranges know more of the body than `other` (nil: nothing
    /// known): more words, or that the body has no more.
    func knowMore(than other: WordRanges?) -> Bool {
        guard let other else { return count > 0 || isComplete }
        return count > other.count || (isComplete && !other.isComplete)
    }
}

/// The word ranges of recently shown bodies, so that a post shown again, for
/// any query, needs no reading of its words.
///
/// Why: finding where a match's word lies means reading every word before it
/// (FTS5 keeps positions, not bytes), and that reading was the largest part of
/// a search on a blog (a third of its CPU on okfn-de). Popular posts are shown
/// for many different queries, and a blog's bodies fit in the budget: okfn-de's
/// 495 posts have 218,000 body words, under 4 MB. On larger sites the oldest
/// entries go first.
///
/// Entries belong to one index generation, like ``ResultCache``'s: a reindex
/// that changes a body changes the generation, and no old ranges are used.
final class WordLayoutCache: Sendable {
    static let defaultByteLimit = 32 << 20

    private struct State {
        var generation = ""
        var layouts: [Int64: WordRanges] = [:]
        /// Ids in the order they were first stored, oldest first.
        var order: Deque<Int64> = []
        var bytes = 0
    }

    /// Per entry beyond its ranges: the dictionary slot and the order entry.
    private static let entryOverhead = 64
    private let byteLimit: Int
    private let state = Mutex(State())

    init(byteLimit: Int = WordLayoutCache.defaultByteLimit) { self.byteLimit = byteLimit }

    func ranges(of id: Int64, generation: String) -> WordRanges? {
        state.withLock { $0.generation == generation ? $0.layouts[id] : nil }
    }

    /// Keeps `ranges` for post `id`, in place of any shorter ones, oldest
    /// entries making room; ranges larger than the whole budget are not kept.
    func store(_ ranges: WordRanges, of id: Int64, generation: String) {
        let size = ranges.byteCount + Self.entryOverhead
        guard size <= byteLimit else { return }
        state.withLock { state in
            if state.generation != generation {
                state = State()
                state.generation = generation
            }
            if let held = state.layouts[id] {
                guard ranges.knowMore(than: held) else { return }
                state.bytes -= held.byteCount + Self.entryOverhead
            } else {
                state.order.append(id)
            }
            state.layouts[id] = ranges
            state.bytes += size
            while state.bytes > byteLimit, let oldest = state.order.popFirst() {
                if oldest == id {
                    state.order.append(id)  // the one just stored stays, now the newest
                } else if let evicted = state.layouts.removeValue(forKey: oldest) {
                    state.bytes -= evicted.byteCount + Self.entryOverhead
                }
            }
        }
    }

    /// Entries held, for tests.
    var count: Int { state.withLock { $0.layouts.count } }
}
