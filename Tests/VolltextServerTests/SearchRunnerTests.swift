import Foundation
import Testing
@testable import VolltextServer

@Suite struct SearchRunnerTests {
    private func sleep(_ seconds: Double) async throws { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }

    /// Under steady load, a request gives up only after waiting its own full
    /// time, not when an earlier request's timer runs out. The places are held
    /// and let go by the test, and each step waits for the runner to be where
    /// it should, so that only the timers' times matter, with over a second to
    /// spare on a loaded machine.
    @Test func eachWaiterWaitsItsOwnTime() async throws {
        let maxWait = 3.0
        let runner = SearchRunner(limit: 1, maxWait: .milliseconds(Int(maxWait * 1000)))
        // Bounded: on a starved machine a request may give up before it is seen waiting.
        func waitUntil(_ condition: () -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(20)
            while !condition() {
                guard ContinuousClock.now < deadline else { throw CancellationError() }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let firstRuns = Gate(), releaseFirst = Gate(), secondRuns = Gate(), releaseSecond = Gate()
        let first = Task { try await runner.run { firstRuns.open(); try await releaseFirst.wait() } }
        try await firstRuns.wait()
        let second = Task { try await runner.run { secondRuns.open(); try await releaseSecond.wait() } }
        try await waitUntil { runner.waitingCount == 1 }
        let secondWaits = ContinuousClock.now  // its timer runs out by secondWaits + maxWait
        releaseFirst.open()
        try await first.value
        try await secondRuns.wait()
        try await sleep(maxWait / 2)
        let third = Task { try await runner.run { 3 } }  // its own time runs out 1.5 s after the second's
        try await waitUntil { runner.waitingCount == 1 }
        try await Task.sleep(until: secondWaits + .milliseconds(Int(maxWait * 1000) + 100))
        releaseSecond.open()
        try await second.value
        #expect(try await third.value == 3)
    }

    @Test func aRequestWaitingTooLongIsTurnedAway() async throws {
        let runner = SearchRunner(limit: 1, maxWait: .milliseconds(200))
        let running = Gate(), release = Gate()
        let slow = Task { try await runner.run { running.open(); try await release.wait() } }
        try await running.wait()
        await #expect(throws: ServerBusy.self) { try await runner.run { 1 } }
        release.open()
        try await slow.value
        #expect(try await runner.run { 2 } == 2)
    }
}

/// A place held until the test lets it go. (NSLock, not Mutex: ThreadSanitizer
/// sees pthread locks, not Mutex's futex.)
private final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false
    func open() { lock.withLock { isOpen = true } }
    func wait() async throws { while !lock.withLock({ isOpen }) { try await Task.sleep(for: .milliseconds(5)) } }
}
