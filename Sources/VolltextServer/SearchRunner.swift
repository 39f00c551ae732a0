import Dispatch
import Synchronization
import VolltextIndex

/// Lets a few searches run at once.
///
/// Searches read through GRDB's asynchronous reads, on GRDB's own threads, so
/// no search holds one of Swift's cooperative threads; but each still takes a
/// core while it runs. At most `limit` run at once, so that a flood of slow
/// queries cannot starve a health check; a request beyond that waits for a
/// place (for at most a second) without holding a thread, then gets a clear 503.
final class SearchRunner: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Bool, Never>] = []
    }

    private let state = Mutex(State())
    private let limit: Int
    /// Only for the one-second timers of waiting requests.
    private let queue = DispatchQueue(label: "volltext.search-queue")

    init(limit: Int) { self.limit = max(1, limit) }

    func run<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        guard await acquire() else { throw ServerBusy() }
        defer { release() }
        return try await work()
    }

    /// True once a place is free; false if none came free within a second.
    private func acquire() async -> Bool {
        let placed = state.withLock { state -> Bool in
            guard state.running < limit else { return false }
            state.running += 1
            return true
        }
        if placed { return true }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            state.withLock { $0.waiting.append(continuation) }
            queue.asyncAfter(deadline: .now() + 1) { [weak self] in self?.giveUp() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()  // the place passes on: running stays the same
        }
        next?.resume(returning: true)
    }

    /// The oldest waiter that has waited its second gives up.
    private func giveUp() {
        let expired = state.withLock { state in state.waiting.isEmpty ? nil : state.waiting.removeFirst() }
        expired?.resume(returning: false)
    }
}

/// Every search place was taken for longer than a request may wait.
struct ServerBusy: Error {}
