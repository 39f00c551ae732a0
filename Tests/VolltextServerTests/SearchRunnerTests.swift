import Foundation
import Testing
@testable import VolltextServer

@Suite struct SearchRunnerTests {
    private func sleep(_ seconds: Double) async throws { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }

    /// Under steady load, a request gives up only after waiting its own full
    /// time, not when an earlier request's timer runs out.
    @Test func eachWaiterWaitsItsOwnTime() async throws {
        let runner = SearchRunner(limit: 1, maxWait: .milliseconds(500))
        async let first: Void = runner.run { try await sleep(0.4) }
        try await sleep(0.05)
        async let second: Void = runner.run { try await sleep(0.4) }  // waits 0.35 s, runs to 0.8 s
        try await sleep(0.4)
        let third = Task { try await runner.run { 3 } }  // waits 0.35 s, after the second's timer has run out
        try await first
        try await second
        #expect(try await third.value == 3)
    }

    @Test func aRequestWaitingTooLongIsTurnedAway() async throws {
        let runner = SearchRunner(limit: 1, maxWait: .milliseconds(200))
        async let slow: Void = runner.run { try await sleep(0.6) }
        try await sleep(0.05)
        await #expect(throws: ServerBusy.self) { try await runner.run { 1 } }
        try await slow
        #expect(try await runner.run { 2 } == 2)
    }
}
