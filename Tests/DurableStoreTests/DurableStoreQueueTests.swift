import Glibc
import TedgeDurableStore
import TedgeMessaging
import TedgeSQLite
import Testing

@Suite struct DurableStoreQueueTests {
    let limits = DurableStoreLimits(maxSizeBytes: 10_000_000)

    @Test func aBatchGetsConsecutiveSequencesAndComesBackInOrder() throws {
        let directory = StoreDirectory()
        let store = try DurableStore(path: directory.store, limits: limits)
        let first = try store.append((1...3).map { numbered($0) })
        let second = try store.append([numbered(4)])
        #expect(first.sequences == [1, 2, 3])
        #expect(second.sequences == [4])
        #expect(first.drops == .none)
        let stored = try store.replay()
        #expect(stored.map(\.sequence) == [1, 2, 3, 4])
        #expect(stored.map(\.message) == (1...4).map { numbered($0) })
    }

    @Test func everyFieldOfAMessageIsKept() throws {
        let directory = StoreDirectory()
        let store = try DurableStore(path: directory.store, limits: limits, clock: ManualWallClock(1_700_000_000_123))
        let messages = [
            MQTTMessage(topic: "c8y/s/us", payload: [], qos: .atMostOnce, retain: true),
            MQTTMessage(topic: "az/messages/events/$.ct=application%2Fjson", payload: Array(0...255), qos: .atLeastOnce),
            MQTTMessage(topic: "aws/td/ünïcode", payload: [0, 0, 0], qos: .exactlyOnce, retain: false),
        ]
        _ = try store.append(messages)
        let stored = try store.replay()
        #expect(stored.map(\.message) == messages)
        #expect(stored.allSatisfy { $0.enqueuedAt == 1_700_000_000_123 })
    }

    @Test func nextPagesThroughTheQueue() throws {
        let directory = StoreDirectory()
        let store = try DurableStore(path: directory.store, limits: limits)
        _ = try store.append((1...10).map { numbered($0) })
        #expect(try store.next(after: 0, limit: 4).map(\.sequence) == [1, 2, 3, 4])
        #expect(try store.next(after: 4, limit: 4).map(\.sequence) == [5, 6, 7, 8])
        #expect(try store.next(after: 8, limit: 4).map(\.sequence) == [9, 10])
        #expect(try store.next(after: 10, limit: 4).isEmpty)
        #expect(try store.replay(limit: 2).map(\.sequence) == [1, 2])
    }

    @Test func removalUpToASequenceTakesTheHead() throws {
        let directory = StoreDirectory()
        let clock = ManualWallClock()
        let store = try DurableStore(path: directory.store, limits: limits, clock: clock)
        _ = try store.append((1...5).map { numbered($0) })
        #expect(store.metrics.lastRemovalAt == nil)
        clock.advance(seconds: 3)
        let removed = try store.remove(upTo: 3)
        #expect(removed == MessageTally(messages: 3, bytes: 3 * (100 + "az/messages/events/".utf8.count)))
        #expect(try store.replay().map(\.sequence) == [4, 5])
        #expect(store.metrics.queued.messages == 2)
        #expect(store.metrics.lastRemovalAt == clock.millisecondsSinceEpoch)
        #expect(try store.remove(upTo: 3) == .zero)
    }

    @Test func removalOfSingleSequencesInAnyOrder() throws {
        let directory = StoreDirectory()
        let store = try DurableStore(path: directory.store, limits: limits)
        _ = try store.append((1...5).map { numbered($0) })
        #expect(try store.remove([4, 2, 99]).messages == 2)
        #expect(try store.remove(1).messages == 1)
        #expect(try store.replay().map(\.sequence) == [3, 5])
        #expect(store.metrics.queued.messages == 2)
    }

    @Test func replayAfterReopeningGivesWhatWasNotRemovedInOrder() throws {
        let directory = StoreDirectory()
        do {
            let store = try DurableStore(path: directory.store, limits: limits)
            _ = try store.append((1...50).map { numbered($0) })
            _ = try store.append((51...60).map { numbered($0) })
            try store.remove(upTo: 20)
        }
        let reopened = try DurableStore(path: directory.store, limits: limits)
        #expect(reopened.openReport.recovery == nil)
        #expect(reopened.openReport.queued.messages == 40)
        let stored = try reopened.replay()
        #expect(stored.map(\.sequence) == Array(21...60))
        #expect(stored.map(\.message) == (21...60).map { numbered($0) })
        // New messages continue after the stored ones.
        #expect(try reopened.append([numbered(61)]).sequences == [61])
    }

    @Test func sequencesNeverRestartEvenWhenTheStoreWasEmptied() throws {
        let directory = StoreDirectory()
        do {
            let store = try DurableStore(path: directory.store, limits: limits)
            _ = try store.append((1...7).map { numbered($0) })
            try store.remove(upTo: 7)
        }
        let reopened = try DurableStore(path: directory.store, limits: limits)
        #expect(reopened.metrics.queued == .zero)
        #expect(try reopened.append([numbered(8)]).sequences == [8])
    }

    @Test func anEmptyBatchWritesNothing() throws {
        let directory = StoreDirectory()
        let store = try DurableStore(path: directory.store, limits: limits)
        let outcome = try store.append([])
        #expect(outcome.sequences.isEmpty)
        #expect(store.metrics.queued == .zero)
    }

    @Test func aSecondOwnerIsRefused() throws {
        let directory = StoreDirectory()
        let store = try DurableStore(path: directory.store, limits: limits)
        _ = try store.append([numbered(1)])
        let error = #expect(throws: DurableStoreError.self) { try DurableStore(path: directory.store, limits: limits) }
        #expect(error?.description == "failed to open the message store \(directory.store): it is in use by another process")
        #expect(try store.replay().count == 1)
    }

    @Test func anotherSQLiteDatabaseIsNeitherUsedNorMovedAside() throws {
        let directory = StoreDirectory()
        do {
            let other = try SQLiteConnection(path: directory.store)
            try other.execute("CREATE TABLE readings (value INTEGER); INSERT INTO readings VALUES (42);")
        }
        let before = readFile(directory.store)
        let error = #expect(throws: DurableStoreError.self) { try DurableStore(path: directory.store, limits: limits) }
        #expect(error?.reason.contains("not a message store") == true)
        let untouched = readFile(directory.store) == before
        #expect(untouched)
        #expect(directory.entries() == ["store.db"])
    }

    @Test func aMissingDirectoryIsAClearError() throws {
        let error = #expect(throws: DurableStoreError.self) {
            try DurableStore(path: "/nonexistent-directory-for-a-test/store.db", limits: limits)
        }
        #expect(
            error?.description.hasPrefix("failed to open the message store /nonexistent-directory-for-a-test/store.db: ") == true)
    }
}
