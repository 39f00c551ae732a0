import Foundation
import Synchronization
import Testing
@testable import VolltextServer

@Suite struct SearchRunnerTests {
    private func sleep(_ seconds: Double) async throws { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }

    /// Under steady load, a request gives up only after waiting its own full
    /// time, not when an earlier request's timer runs out. The places are held
    /// and let go by the test, so only the timers' times matter (±0.2 s).
    @Test func eachWaiterWaitsItsOwnTime() async throws {
        let runner = SearchRunner(limit: 1, maxWait: .seconds(2))
        let releaseFirst = Gate(), releaseSecond = Gate()
        let first = Task { try await runner.run { try await releaseFirst.wait() } }
        try await sleep(0.05)
        let second = Task { try await runner.run { try await releaseSecond.wait() } }  // its timer ends at 2.05 s
        try await sleep(0.45)
        releaseFirst.open()  // the second runs from 0.5 s
        try await first.value
        let third = Task { try await runner.run { 3 } }  // waits from 0.5 s: its own time ends at 2.5 s
        try await sleep(1.7)  // 2.2 s: past the second's timer, not the third's
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

/// A place held until the test lets it go.
private final class Gate: Sendable {
    private let isOpen = Mutex(false)
    func open() { isOpen.withLock { $0 = true } }
    func wait() async throws { while !isOpen.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) } }
}
