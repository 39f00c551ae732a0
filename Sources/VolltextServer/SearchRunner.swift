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
        var nextTicket = 0
        /// Waiting requests by ticket, oldest first.
        var waiting: [(ticket: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    private let state = Mutex(State())
    private let limit: Int
    private let maxWait: Duration
    /// Calls its closure once `maxWait` has passed: a timer on a dispatch
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
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    func run<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        guard await acquire() else { throw ServerBusy() }
        defer { release() }
        return try await work()
    }

    /// True once a place is free; false if none came free within `maxWait`.
    private func acquire() async -> Bool {
        if state.withLock({ Self.takePlace(in: &$0, limit: limit) }) { return true }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            // Looked at again under the same lock that queues the request: a place
            // let go since the look above is taken now, not lost while it waits.
            let ticket = state.withLock { state -> Int? in
                if Self.takePlace(in: &state, limit: limit) { return nil }
                state.nextTicket += 1
                state.waiting.append((state.nextTicket, continuation))
                return state.nextTicket
            }
            guard let ticket else { return continuation.resume(returning: true) }
            startTimer(maxWait) { [weak self] in self?.giveUp(ticket) }
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
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst().continuation  // the place passes on: running stays the same
        }
        next?.resume(returning: true)
    }

    /// The request with `ticket`, if it still waits, gives up: its time is over.
    private func giveUp(_ ticket: Int) {
        let expired = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let index = state.waiting.firstIndex(where: { $0.ticket == ticket }) else { return nil }
            return state.waiting.remove(at: index).continuation
        }
        expired?.resume(returning: false)
    }
}

/// Every search place was taken for longer than a request may wait.
struct ServerBusy: Error {}
