import TedgeDurableStore
import TedgeMessaging
import Testing

@Suite struct DurableStoreLimitTests {
    /// Each `numbered` message counts its payload (100) plus its topic's bytes.
    let messageSize = 100 + "az/messages/events/".utf8.count

    @Test func appendingPastTheSizeDropsExactlyTheOldestAndCountsThem() throws {
        let directory = StoreDirectory()
        let store = try DurableStore(path: directory.store, limits: DurableStoreLimits(maxSizeBytes: 10 * messageSize))
        _ = try store.append((1...10).map { numbered($0) })
        #expect(store.metrics.queued == MessageTally(messages: 10, bytes: 10 * messageSize))
        let outcome = try store.append((11...13).map { numbered($0) })
        #expect(outcome.sequences == [11, 12, 13])
        #expect(outcome.drops == StoreDrops(dropped: MessageTally(messages: 3, bytes: 3 * messageSize)))
        #expect(try store.replay().map(\.sequence) == Array(4...13))
        #expect(store.metrics.dropped == MessageTally(messages: 3, bytes: 3 * messageSize))
        #expect(store.metrics.queued == MessageTally(messages: 10, bytes: 10 * messageSize))
    }

    @Test func droppedCountsSurviveARestart() throws {
        let directory = StoreDirectory()
        let limits = DurableStoreLimits(maxSizeBytes: 4 * messageSize)
        do {
            let store = try DurableStore(path: directory.store, limits: limits)
            _ = try store.append((1...4).map { numbered($0) })
            _ = try store.append((5...6).map { numbered($0) })
        }
        let reopened = try DurableStore(path: directory.store, limits: limits)
        #expect(reopened.metrics.dropped == MessageTally(messages: 2, bytes: 2 * messageSize))
        #expect(try reopened.replay().map(\.sequence) == [3, 4, 5, 6])
    }

    @Test func aBatchLargerThanTheStoreKeepsItsNewestMessages() throws {
        let directory = StoreDirectory()
        let store = try DurableStore(path: directory.store, limits: DurableStoreLimits(maxSizeBytes: 3 * messageSize))
        _ = try store.append([numbered(1)])
        let outcome = try store.append((2...6).map { numbered($0) })
        #expect(outcome.sequences == [nil, nil, 2, 3, 4])
        #expect(outcome.drops.dropped == MessageTally(messages: 3, bytes: 3 * messageSize))
        #expect(try store.replay().map { number(of: $0.message) } == [4, 5, 6])
    }

    @Test func aMessageLargerThanTheStoreIsRefusedAloneAndCounted() throws {
        let directory = StoreDirectory()
        let store = try DurableStore(path: directory.store, limits: DurableStoreLimits(maxSizeBytes: 3 * messageSize))
        _ = try store.append([numbered(1), numbered(2)])
        let huge = numbered(3, size: 4 * messageSize)
        let outcome = try store.append([huge, numbered(4)])
        #expect(outcome.sequences == [nil, 3])
        #expect(outcome.drops.dropped == MessageTally(messages: 1, bytes: StoredMessage.size(of: huge)))
        #expect(try store.replay().map { number(of: $0.message) } == [1, 2, 4])
    }

    @Test func messagesOlderThanTheMaximumAgeExpireAndAreCounted() throws {
        let directory = StoreDirectory()
        let clock = ManualWallClock()
        let limits = DurableStoreLimits(maxSizeBytes: 1_000_000, maxAgeSeconds: 60)
        let store = try DurableStore(path: directory.store, limits: limits, clock: clock)
        _ = try store.append((1...3).map { numbered($0) })
        clock.advance(seconds: 30)
        _ = try store.append((4...5).map { numbered($0) })
        clock.advance(seconds: 30)
        // Exactly 60 s old is not older than the maximum.
        #expect(try store.applyLimits() == .none)
        #expect(store.metrics.oldestAgeSeconds == 60)
        clock.advance(seconds: 1)
        #expect(try store.applyLimits() == StoreDrops(expired: MessageTally(messages: 3, bytes: 3 * messageSize)))
        #expect(try store.replay().map(\.sequence) == [4, 5])
        #expect(store.metrics.expired == MessageTally(messages: 3, bytes: 3 * messageSize))
        #expect(store.metrics.oldestAgeSeconds == 31)
        // An append drops expired messages on its way.
        clock.advance(seconds: 30)
        let outcome = try store.append([numbered(6)])
        #expect(outcome.drops.expired == MessageTally(messages: 2, bytes: 2 * messageSize))
        #expect(try store.replay().map(\.sequence) == [6])
    }

    @Test func expiryAndLoweredLimitsApplyAtOpen() throws {
        let directory = StoreDirectory()
        let clock = ManualWallClock()
        do {
            let store = try DurableStore(path: directory.store, limits: DurableStoreLimits(maxSizeBytes: 1_000_000), clock: clock)
            _ = try store.append((1...4).map { numbered($0) })
            clock.advance(seconds: 100)
            _ = try store.append((5...10).map { numbered($0) })
        }
        clock.advance(seconds: 50)
        let limits = DurableStoreLimits(maxSizeBytes: 5 * messageSize, maxAgeSeconds: 120)
        let reopened = try DurableStore(path: directory.store, limits: limits, clock: clock)
        #expect(reopened.openReport.drops.expired == MessageTally(messages: 4, bytes: 4 * messageSize))
        #expect(reopened.openReport.drops.dropped == MessageTally(messages: 1, bytes: messageSize))
        #expect(reopened.openReport.queued.messages == 5)
        #expect(try reopened.replay().map(\.sequence) == Array(6...10))
    }

    @Test func metricsDescribeTheQueue() throws {
        let directory = StoreDirectory()
        let clock = ManualWallClock()
        let store = try DurableStore(
            path: directory.store, limits: DurableStoreLimits(maxSizeBytes: 2 * messageSize), clock: clock)
        #expect(store.metrics.queued == .zero)
        #expect(store.metrics.oldestEnqueuedAt == nil)
        #expect(store.metrics.oldestAgeSeconds == nil)
        let start = clock.millisecondsSinceEpoch
        _ = try store.append([numbered(1)])
        clock.advance(seconds: 5)
        _ = try store.append([numbered(2)])
        clock.advance(seconds: 7)
        var metrics = store.metrics
        #expect(metrics.queued == MessageTally(messages: 2, bytes: 2 * messageSize))
        #expect(metrics.oldestEnqueuedAt == start)
        #expect(metrics.oldestAgeSeconds == 12)
        _ = try store.append([numbered(3)])
        try store.remove(upTo: 2)
        metrics = store.metrics
        #expect(metrics.queued == MessageTally(messages: 1, bytes: messageSize))
        #expect(metrics.oldestEnqueuedAt == clock.millisecondsSinceEpoch)
        #expect(metrics.oldestAgeSeconds == 0)
        #expect(metrics.dropped == MessageTally(messages: 1, bytes: messageSize))
        #expect(metrics.expired == .zero)
        #expect(metrics.lastRemovalAt == clock.millisecondsSinceEpoch)
    }

    @Test func limitsMustBePositive() {
        let directory = StoreDirectory()
        #expect(throws: DurableStoreError.self) {
            try DurableStore(path: directory.store, limits: DurableStoreLimits(maxSizeBytes: 0))
        }
        #expect(throws: DurableStoreError.self) {
            try DurableStore(path: directory.store, limits: DurableStoreLimits(maxSizeBytes: 10, maxAgeSeconds: 0))
        }
    }
}
