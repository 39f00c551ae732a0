import Foundation
import Testing
@testable import VolltextServer

/// The runner's timers are the test's own (``ManualTimers``): each step waits
/// for the runner to be where it should, and a request's time runs out when
/// the test says so, so no result depends on how fast a loaded machine runs.
@Suite struct SearchRunnerTests {
    /// Under steady load, a request gives up only when its own time runs out,
    /// not when an earlier request's timer does.
    @Test func eachWaiterWaitsItsOwnTime() async throws {
        let timers = ManualTimers()
        let runner = try await ready(SearchRunner(limit: 1, maxWait: .seconds(3), startTimer: timers.start))
        defer { runner.stop() }
        let firstRuns = Gate(), releaseFirst = Gate(), secondRuns = Gate(), releaseSecond = Gate()
        let first = Task { try await runner.run { firstRuns.open(); releaseFirst.block() } }
        try await firstRuns.wait()
        let second = Task { try await runner.run { secondRuns.open(); releaseSecond.block() } }
        try await waitUntil { runner.waitingCount == 1 && timers.count == 1 }  // timer 0: the second's
        releaseFirst.open()
        try await first.value
        try await secondRuns.wait()  // the search thread took the second
        let third = Task { try await runner.run { 3 } }
        try await waitUntil { runner.waitingCount == 1 }
        #expect(timers.count == 1, "one timer serves all waiting requests")
        timers.fire(0)  // the second's time is over, but it no longer waits
        #expect(runner.waitingCount == 1, "the third request gave up on the second's timer")
        #expect(timers.count == 2, "no timer was set for the third request's own time")  // timer 1: the third's
        #expect(timers.durations[1] > .seconds(2) && timers.durations[1] <= .seconds(3))
        releaseSecond.open()
        try await second.value
        #expect(try await third.value == 3)
    }

    @Test func aRequestWaitingTooLongIsTurnedAway() async throws {
        let timers = ManualTimers()
        let (runner, release, slow) = try await heldRunner(maxWait: .milliseconds(200), timers: timers)
        defer { runner.stop() }
        let late = Task { try await runner.run { 1 } }
        try await waitUntil { runner.waitingCount == 1 && timers.count == 1 }
        #expect(timers.durations == [.milliseconds(200)])
        timers.fire(0)
        await #expect(throws: ServerBusy.self) { try await late.value }
        #expect(runner.waitingCount == 0)
        release.open()
        try await slow.value
        #expect(try await runner.run { 2 } == 2)
    }

    /// Waiting requests share one timer, set for the oldest one's time; when it
    /// fires, that request gives up, and the timer is set for the next one's.
    @Test func oneTimerServesAllWaitingRequests() async throws {
        let timers = ManualTimers()
        let (runner, release, slow) = try await heldRunner(maxWait: .seconds(5), timers: timers)
        defer { runner.stop() }
        var waiting: [Task<Int, any Error>] = []
        for index in 0..<3 {  // one after another, so that they wait in this order
            waiting.append(Task { try await runner.run { index } })
            try await waitUntil { runner.waitingCount == index + 1 }
        }
        #expect(timers.count == 1)
        timers.fire(0)  // the first one's time is over, not yet the others'
        await #expect(throws: ServerBusy.self) { try await waiting[0].value }
        #expect(runner.waitingCount == 2)
        #expect(timers.count == 2, "the timer is set again for the oldest request left")
        #expect(timers.durations[1] > .zero && timers.durations[1] <= .seconds(5))
        release.open()
        try await slow.value
        #expect(try await waiting[1].value == 1)
        #expect(try await waiting[2].value == 2)
        #expect(runner.waitingCount == 0)
    }

    /// `limit` searches run at once, on threads of the runner's own.
    @Test func searchesRunSideBySideOnTheRunnersThreads() async throws {
        let runner = try await ready(SearchRunner(limit: 2, maxWait: .seconds(120)))
        defer { runner.stop() }
        let bothRun = Gate(), release = Gate()
        let started = Counter()
        let searches = (0..<2).map { _ in
            Task { try await runner.run { () -> Bool in
                if started.increment() == 2 { bothRun.open() }
                release.block()
                return Thread.isMainThread
            } }
        }
        try await bothRun.wait()  // two at once: neither waits for the other
        #expect(runner.waitingCount == 0)
        release.open()
        for search in searches { #expect(try await search.value == false) }
    }

    /// Waiting searches run in the order they came; a search's error reaches its request.
    @Test func waitingSearchesRunInOrder() async throws {
        let (runner, release, slow) = try await heldRunner(maxWait: .seconds(120))  // no request gives up here
        defer { runner.stop() }
        let order = Counter()
        var queued: [Task<Int, any Error>] = []
        for _ in 0..<5 {
            queued.append(Task { try await runner.run { order.increment() } })
            try await waitUntil { runner.waitingCount == queued.count }
        }
        release.open()
        try await slow.value
        var ranks: [Int] = []
        for search in queued { ranks.append(try await search.value) }
        #expect(ranks == [1, 2, 3, 4, 5])
        struct Failed: Error {}
        await #expect(throws: Failed.self) { try await runner.run { () throws -> Int in throw Failed() } }
    }

    @Test func theDispatchTimerFiresAfterItsTime() async throws {
        let fired = Gate()
        let start = ContinuousClock.now
        SearchRunner.dispatchTimer(.milliseconds(50)) { fired.open() }
        try await fired.wait()
        #expect(ContinuousClock.now - start >= .milliseconds(50))
    }
}

/// The runner once its search threads wait for work, so that the first
/// search never waits for a thread still starting (and sets no timer).
private func ready(_ runner: SearchRunner) async throws -> SearchRunner {
    try await waitUntil { runner.idleCount > 0 && runner.idleCount == runner.threadCount }
    return runner
}

/// A runner with one search thread, taken by a search that runs until `release` opens.
private func heldRunner(maxWait: Duration, timers: ManualTimers? = nil) async throws
    -> (runner: SearchRunner, release: Gate, slow: Task<Void, any Error>) {
    let runner = try await ready(timers.map { SearchRunner(limit: 1, maxWait: maxWait, startTimer: $0.start) }
                                 ?? SearchRunner(limit: 1, maxWait: maxWait))
    let running = Gate(), release = Gate()
    let slow = Task { try await runner.run { running.open(); release.block() } }
    try await running.wait()
    return (runner, release, slow)
}

/// Polls `condition` until it holds; fails after 20 s instead of hanging.
private func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut() }
        try await Task.sleep(for: .milliseconds(2))
    }
}

private struct TimedOut: Error {}

/// Timers that fire only when the test fires them.
private final class ManualTimers: @unchecked Sendable {
    private let lock = NSLock()
    private var started: [(duration: Duration, expire: @Sendable () -> Void)] = []

    var count: Int { lock.withLock { started.count } }
    var durations: [Duration] { lock.withLock { started.map(\.duration) } }

    func start(_ duration: Duration, _ expire: @escaping @Sendable () -> Void) {
        lock.withLock { started.append((duration, expire)) }
    }

    func fire(_ index: Int) {
        lock.withLock { started[index].expire }()
    }
}

/// Shut until the test (or a search) opens it: awaited by the test, or
/// blocking a search thread. (NSCondition, not Mutex: ThreadSanitizer sees
/// pthread locks, not Mutex's futex.)
private final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false
    func open() {
        condition.withLock { isOpen = true }
        condition.broadcast()
    }
    func wait() async throws { try await waitUntil { condition.withLock { isOpen } } }
    /// Blocks the calling thread until the gate opens (at most 20 s).
    func block() {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: 20)
            while !isOpen && condition.wait(until: deadline) {}
        }
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
}
