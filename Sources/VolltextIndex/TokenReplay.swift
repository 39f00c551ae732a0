import Foundation
import VolltextAnalysis

/// A column's text and the tokens ``GermanFTS5Tokenizer`` makes of it as a
/// document, analysed on a reading thread: the writer's thread then only hands
/// them to FTS5 (``TokenReplay``).
///
/// Why: an index run has one writer, and it was the bottleneck: it spent a
/// fifth of its time in the analyzer while the reading threads waited for room.
struct AnalyzedColumn: Sendable {
    struct Token: Sendable {
        var termEnd: UInt32, start: UInt32, end: UInt32
        var colocated: Bool
    }

    /// The text as it is bound to the insert.
    let text: String
    private(set) var termBytes: [UInt8] = []
    private(set) var tokens: [Token] = []

    init(_ text: String, analyzer: GermanAnalyzer) {
        self.text = text
        var text = text
        text.withUTF8 { utf8 in
            analyzer.analyze(utf8: utf8, prefixForms: true) { term in
                term.withUTF8 { termBytes.append(contentsOf: $0) }
                tokens.append(Token(termEnd: UInt32(termBytes.count), start: UInt32(term.start), end: UInt32(term.end),
                                    colocated: term.isColocated))
            }
        }
    }

    /// Memory held, for ``PreAnalysis``'s budget.
    var byteCount: Int { termBytes.count + tokens.count * MemoryLayout<Token>.stride }

    /// Whether `utf8` is this column's text, byte for byte.
    func describes(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        // `memcmp`: the generic `elementsEqual` went byte by byte over every post's body.
        text.utf8.count == utf8.count
            && text.utf8.withContiguousStorageIfAvailable { text in
                text.count == 0 || memcmp(text.baseAddress!, utf8.baseAddress!, text.count) == 0
            } == true
    }

    /// Hands each token to `emit` (term bytes, colocated, start, end), in order.
    func replay(_ emit: (UnsafeBufferPointer<UInt8>, Bool, Int, Int) throws -> Void) rethrows {
        try termBytes.withUnsafeBufferPointer { bytes in
            var termStart = 0
            for token in tokens {
                let termEnd = Int(token.termEnd)
                try emit(UnsafeBufferPointer(rebasing: bytes[termStart..<termEnd]), token.colocated, Int(token.start), Int(token.end))
                termStart = termEnd
            }
        }
    }
}

/// The analysed columns of the post being inserted, where the FTS5 tokenizer
/// finds them: set on the writer's thread around its insert (SQLite calls the
/// tokenizer on the thread that runs the statement). A text that is not one of
/// them (an old version FTS5 tokenizes to delete it, a query) is analysed as always.
enum TokenReplay {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` with `columns` offered to the tokenizer on this thread.
    static func offering<T>(_ columns: [AnalyzedColumn], _ body: () throws -> T) rethrows -> T {
        let box = Unmanaged.passRetained(Box(columns))
        pthread_setspecific(key, box.toOpaque())
        defer {
            pthread_setspecific(key, nil)
            box.release()
        }
        return try body()
    }

    /// The offered column whose text is `utf8`, if any.
    static func column(for utf8: UnsafeBufferPointer<UInt8>) -> AnalyzedColumn? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        return Unmanaged<Box>.fromOpaque(pointer).takeUnretainedValue().columns.first { $0.describes(utf8) }
    }

    private final class Box {
        let columns: [AnalyzedColumn]
        init(_ columns: [AnalyzedColumn]) { self.columns = columns }
    }
}

/// Analysers for the reading threads of one index run, and a bound on the
/// memory of analysed posts not yet written: at most `byteLimit` at once, so a
/// site of huge posts cannot fill memory while the writer catches up.
final class PreAnalysis: @unchecked Sendable {
    // Guarded by `lock` (an analyser is not Sendable: each is used by one thread at a time).
    private let lock = NSLock()
    private var idle: [GermanAnalyzer] = []
    private var bytesHeld = 0

    static let byteLimit = 32 << 20

    /// The columns analysed with an analyser of the pool (each keeps its term
    /// cache from post to post), or nil if the budget is spent.
    func analyze(_ texts: [String]) -> [AnalyzedColumn]? {
        // An estimate before the work: tokens and terms take about 4 bytes per byte of text.
        let estimate = texts.reduce(0) { $0 + $1.utf8.count } * 4
        let analyzer = lock.withLock { () -> GermanAnalyzer? in
            guard bytesHeld + estimate <= Self.byteLimit else { return nil }
            bytesHeld += estimate
            return idle.popLast() ?? GermanAnalyzer()
        }
        guard let analyzer else { return nil }
        let columns = texts.map { AnalyzedColumn($0, analyzer: analyzer) }
        let actual = columns.reduce(0) { $0 + $1.byteCount }
        lock.withLock {
            idle.append(analyzer)
            bytesHeld += actual - estimate
        }
        return columns
    }

    /// The writer has inserted these columns: their memory is free again.
    func written(_ columns: [AnalyzedColumn]) {
        let bytes = columns.reduce(0) { $0 + $1.byteCount }
        lock.withLock { bytesHeld -= bytes }
    }
}
