import Dispatch
import Synchronization
import VolltextIndex

/// Lets a few searches run at once.
///
/// Searches read through GRDB's asynchronous reads, on GRDB's own threads, so
/// no search holds one of Swift's cooperative threads; but each still takes a
/// core while it runs. At most `limit` run at once (fewer than GRDB's readers,
/// so a health check always finds one), so that a flood of slow queries cannot
/// starve other requests; a request beyond that waits its turn, in order,
/// without holding a thread, for at most `maxWait`, then gets a clear 503.
final class SearchRunner: Sendable {
    private struct State {
        var running = 0
        /// Waiting requests, oldest first; their deadlines grow in this order.
        var waiting: [(deadline: ContinuousClock.Instant, continuation: CheckedContinuation<Bool, Never>)] = []
        var head = 0
        /// The deadline the one pending timer turns away requests up to, if one is pending.
        var timerDeadline: ContinuousClock.Instant?

        var waitingCount: Int { waiting.count - head }

        mutating func removeFirstWaiting() -> CheckedContinuation<Bool, Never> {
            let first = waiting[head].continuation
            head += 1
            // Drop the served entries once they are half the list: O(1) per request.
            if head * 2 >= waiting.count, head >= 64 || head == waiting.count {
                waiting.removeFirst(head)
                head = 0
            }
            return first
        }
    }

    private let state = Mutex(State())
    private let limit: Int
    private let maxWait: Duration
    /// Calls its closure once the given time has passed: a timer on a dispatch
    /// queue, or the test's own hand.
    private let startTimer: @Sendable (Duration, @escaping @Sendable () -> Void) -> Void

    init(limit: Int, maxWait: Duration = .seconds(1),
         startTimer: @escaping @Sendable (Duration, @escaping @Sendable () -> Void) -> Void = SearchRunner.dispatchTimer) {
        self.limit = max(1, limit)
        self.maxWait = maxWait
        self.startTimer = startTimer
    }

    /// Only for the timers of waiting requests.
    private static let timers = DispatchQueue(label: "volltext.search-wait")

    static func dispatchTimer(_ duration: Duration, _ expire: @escaping @Sendable () -> Void) {
        timers.asyncAfter(deadline: .now() + .nanoseconds(Int(duration.nanoseconds)), execute: expire)
    }

    /// Requests waiting for a place now.
    var waitingCount: Int { state.withLock { $0.waitingCount } }

    func run<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        guard await acquire() else { throw ServerBusy() }
        defer { release() }
        return try await work()
    }

    /// True once a place is free; false if none came free within `maxWait`.
    ///
    /// One timer serves all waiting requests, set for the oldest one's deadline:
    /// a timer per request (most of which are served long before it fires) cost
    /// an eighth of the server's CPU at 64 connections.
    private func acquire() async -> Bool {
        if state.withLock({ Self.takePlace(in: &$0, limit: limit) }) { return true }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            // Looked at again under the same lock that queues the request: a place
            // let go since the look above is taken now, not lost while it waits.
            let deadline = ContinuousClock.now + maxWait
            let (tookPlace, startsTimer) = state.withLock { state -> (Bool, Bool) in
                if Self.takePlace(in: &state, limit: limit) { return (true, false) }
                state.waiting.append((deadline, continuation))
                guard state.timerDeadline == nil else { return (false, false) }
                state.timerDeadline = deadline
                return (false, true)
            }
            if tookPlace { return continuation.resume(returning: true) }
            if startsTimer { startTimer(maxWait) { [weak self] in self?.turnAway(through: deadline) } }
        }
    }

    /// Takes a place if one is free.
    private static func takePlace(in state: inout State, limit: Int) -> Bool {
        guard state.running < limit else { return false }
        state.running += 1
        return true
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if state.waitingCount == 0 {
                state.running -= 1
                return nil
            }
            return state.removeFirstWaiting()  // the place passes on: running stays the same
        }
        next?.resume(returning: true)
    }

    /// The timer for `deadline` fired: requests still waiting whose time is
    /// over (by then or by now) give up, and the timer is set again for the oldest one left.
    private func turnAway(through deadline: ContinuousClock.Instant) {
        let cutoff = max(deadline, .now)
        let (expired, next) = state.withLock { state -> ([CheckedContinuation<Bool, Never>], ContinuousClock.Instant?) in
            var expired: [CheckedContinuation<Bool, Never>] = []
            while state.waitingCount > 0, state.waiting[state.head].deadline <= cutoff {
                expired.append(state.removeFirstWaiting())
            }
            state.timerDeadline = state.waitingCount > 0 ? state.waiting[state.head].deadline : nil
            return (expired, state.timerDeadline)
        }
        for continuation in expired { continuation.resume(returning: false) }
        if let next {
            startTimer(max(.zero, next - .now)) { [weak self] in self?.turnAway(through: next) }
        }
    }
}

/// Every search place was taken for longer than a request may wait.
struct ServerBusy: Error {}
