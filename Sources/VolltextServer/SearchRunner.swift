import DequeModule
import Foundation
import VolltextIndex

/// Runs searches on a few threads of its own, in the order they came.
///
/// A search is CPU work of a fraction of a millisecond on a blog. Handing each
/// to GRDB's asynchronous read cost more than the search itself: the request
/// hopped to a reader's dispatch queue and back, two thread wake-ups each way,
/// and at 64 connections the server spent a sixth of its CPU switching
/// threads. Here `limit` threads take the waiting searches one after another
/// without sleeping in between while there are any, and the request waits
/// without holding one of Swift's cooperative threads. A request that waits
/// longer than `maxWait` for a thread gets a clear 503, so a flood of slow
/// queries cannot stall the server; other requests (the health check) never
/// wait here, and read through GRDB's own readers.
final class SearchRunner: Sendable {
    private struct Job {
        let deadline: ContinuousClock.Instant
        /// Runs the search and answers the request.
        let run: @Sendable () -> Void
        /// Answers the request with ``ServerBusy``.
        let turnAway: @Sendable () -> Void
    }

    private struct State {
        /// Waiting searches, oldest first; their deadlines grow in this order.
        var waiting: Deque<Job> = []
        var stopped = false
        /// Search threads waiting for work.
        var idle = 0
        /// The deadline the one pending timer turns away searches up to, if one is pending.
        var timerDeadline: ContinuousClock.Instant?
    }

    /// Guards `state`; the search threads wait on it for work.
    private let condition = NSCondition()
    private nonisolated(unsafe) var state = State()
    private let maxWait: Duration
    let threadCount: Int
    /// Calls its closure once the given time has passed: a timer on a dispatch
    /// queue, or the test's own hand.
    private let startTimer: @Sendable (Duration, @escaping @Sendable () -> Void) -> Void

    init(limit: Int, maxWait: Duration = .seconds(1),
         startTimer: @escaping @Sendable (Duration, @escaping @Sendable () -> Void) -> Void = SearchRunner.dispatchTimer) {
        self.maxWait = maxWait
        self.startTimer = startTimer
        threadCount = max(1, limit)
        for number in 0..<threadCount {
            let thread = Thread { [self] in work() }
            thread.name = "volltext-search-\(number)"
            thread.start()
        }
    }

    /// Lets the search threads end once the waiting searches are done (for tests;
    /// a server's threads live as long as it does).
    func stop() {
        condition.withLock { state.stopped = true }
        condition.broadcast()
    }

    /// Only for the timers of waiting requests.
    private static let timers = DispatchQueue(label: "volltext.search-wait")

    static func dispatchTimer(_ duration: Duration, _ expire: @escaping @Sendable () -> Void) {
        timers.asyncAfter(deadline: .now() + .nanoseconds(Int(duration.nanoseconds)), execute: expire)
    }

    /// Requests waiting for a search thread now.
    var waitingCount: Int { condition.withLock { state.waiting.count } }

    /// Search threads waiting for work now.
    var idleCount: Int { condition.withLock { state.idle } }

    /// Runs `search` on a search thread, once one is free; throws ``ServerBusy``
    /// if none came free within `maxWait`.
    func run<T: Sendable>(_ search: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let deadline = ContinuousClock.now + maxWait
            let job = Job(deadline: deadline,
                          run: { continuation.resume(with: Result { try search() }) },
                          turnAway: { continuation.resume(throwing: ServerBusy()) })
            let startsTimer = condition.withLock { () -> Bool in
                state.waiting.append(job)
                // Only a search that must wait for a thread needs a timer.
                guard state.idle < state.waiting.count, state.timerDeadline == nil else { return false }
                state.timerDeadline = deadline
                return true
            }
            condition.signal()
            // One timer serves all waiting requests, set for the oldest one's deadline.
            if startsTimer { startTimer(maxWait) { [weak self] in self?.turnAway(through: deadline) } }
        }
    }

    /// A search thread: takes the oldest waiting search, runs it, and so on.
    private func work() {
        while true {
            condition.lock()
            while state.waiting.isEmpty && !state.stopped {
                state.idle += 1
                condition.wait()
                state.idle -= 1
            }
            guard let job = state.waiting.popFirst() else {
                condition.unlock()
                return
            }
            condition.unlock()
            job.run()
        }
    }

    /// The timer for `deadline` fired: requests still waiting whose time is
    /// over (by then or by now) give up, and the timer is set again for the oldest one left.
    private func turnAway(through deadline: ContinuousClock.Instant) {
        let cutoff = max(deadline, .now)
        let (expired, next) = condition.withLock { () -> ([Job], ContinuousClock.Instant?) in
            var expired: [Job] = []
            while let oldest = state.waiting.first, oldest.deadline <= cutoff {
                expired.append(oldest)
                state.waiting.removeFirst()
            }
            state.timerDeadline = state.waiting.first?.deadline
            return (expired, state.timerDeadline)
        }
        for job in expired { job.turnAway() }
        if let next {
            startTimer(max(.zero, next - .now)) { [weak self] in self?.turnAway(through: next) }
        }
    }
}

/// Every search thread was busy for longer than a request may wait.
struct ServerBusy: Error {}
