import Foundation

/// Runs `produce(0)`, `produce(1)`, … on worker threads and hands the results
/// out in order, at most `window` ahead of the consumer.
///
/// An index run reads and parses posts here while its one SQLite writer
/// inserts the ones before: the reading does not need to wait for the
/// writer, and the window bounds the memory of posts read but not yet written.
///
/// Work is claimed and handed over in batches (``batch`` results at a time):
/// waking the other side for every post cost a sixth of a no-op reindex's time
/// in thread switches, where an unchanged post is almost no work for the writer.
final class OrderedPipeline<Output: Sendable>: @unchecked Sendable {
    // Every field below is guarded by `condition`.
    private let condition = NSCondition()
    private var results: [Int: Output] = [:]
    private var nextToProduce = 0
    private var nextToConsume = 0
    private var stopped = false
    private var running: Int

    private let count: Int
    private let window: Int
    /// Results a worker claims at once, and that it hands over with one wake-up.
    private let batch: Int
    private let produce: @Sendable (Int, Int) -> Output

    convenience init(count: Int, workers: Int, window: Int, produce: @escaping @Sendable (Int) -> Output) {
        self.init(count: count, workers: workers, window: window) { index, _ in produce(index) }
    }

    /// `produce(index, ahead)` also learns how many results were ahead of the
    /// consumer when its batch was claimed: near `window`, the consumer is the
    /// slower side, and a worker may take some of its work (an index run's analysis).
    init(count: Int, workers: Int, window: Int, produce: @escaping @Sendable (_ index: Int, _ ahead: Int) -> Output) {
        self.count = count
        self.window = max(1, window)
        batch = max(1, min(16, window / 4))
        self.produce = produce
        let workers = max(1, min(workers, count))
        running = count == 0 ? 0 : workers
        guard count > 0 else { return }
        for number in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.name = "volltext.read-\(number)"
            thread.start()
        }
    }

    /// The next result in order, waiting for it; nil after the last.
    ///
    /// While it would wait, the consumer's thread produces results nobody has
    /// claimed yet, one at a time: its core would idle otherwise. In a no-op
    /// index run, where the writer has almost nothing to do, that is two cores
    /// reading instead of one; where the writer is the slower side, it never waits.
    func next() -> Output? {
        condition.lock()
        defer { condition.unlock() }
        guard nextToConsume < count, !stopped else { return nil }
        while results[nextToConsume] == nil {
            guard nextToProduce < count, nextToProduce - nextToConsume < window else {
                condition.wait()
                continue
            }
            let index = nextToProduce, ahead = nextToProduce - nextToConsume
            nextToProduce += 1
            condition.unlock()
            let output = produce(index, ahead)
            condition.lock()
            results[index] = output
        }
        let output = results.removeValue(forKey: nextToConsume)
        nextToConsume += 1
        // A worker waits for room for its next batch (see `work`): wake it only once there is.
        if window - (nextToProduce - nextToConsume) >= nextBatchSize { condition.broadcast() }
        return output
    }

    /// How many results the next batch claims. Guarded by `condition`.
    private var nextBatchSize: Int { min(batch, count - nextToProduce) }

    /// Stops the workers (after the result each is producing) and waits for
    /// them: nothing runs on after the consumer is done, even if it failed.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        results.removeAll()
        condition.unlock()
    }

    private func work() {
        condition.lock()
        defer {
            running -= 1
            condition.broadcast()
            condition.unlock()
        }
        while true {
            // Room in the window for a whole batch (a smaller one at the end).
            while !stopped && nextToProduce < count && nextToProduce + nextBatchSize - nextToConsume > window {
                condition.wait()
            }
            guard !stopped, nextToProduce < count else { return }
            let ahead = nextToProduce - nextToConsume
            let claimed = nextToProduce..<(nextToProduce + nextBatchSize)
            nextToProduce = claimed.upperBound
            for index in claimed {
                condition.unlock()
                let output = produce(index, ahead)
                condition.lock()
                if stopped { return }
                results[index] = output
            }
            // The batch is there: one wake-up for the consumer (and for workers waiting at the end).
            condition.broadcast()
        }
    }
}
