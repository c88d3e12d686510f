import Glibc
import TedgeDurableStore
import TedgeMessaging
import Testing

/// Damaged and truncated store files: opening never crashes, keeps what is readable (and only real
/// messages), reports the loss and moves the damaged file aside.
@Suite struct DurableStoreSalvageTests {
    let limits = DurableStoreLimits(maxSizeBytes: 100_000_000)
    let pageSize = 4096

    /// A closed store holding `count` numbered messages, all in the database file (closing checkpoints the WAL).
    func fill(_ directory: StoreDirectory, count: Int, size: (Int) -> Int = { _ in 100 }) throws -> [MQTTMessage] {
        let messages = (1...count).map { numbered($0, size: size($0)) }
        let store = try DurableStore(path: directory.store, limits: limits)
        for start in stride(from: 0, to: count, by: 100) {
            _ = try store.append(Array(messages[start..<min(start + 100, count)]))
        }
        return messages
    }

    /// The stored messages are in increasing order and each is exactly the message appended with its sequence.
    func areOriginals(_ stored: [StoredMessage], _ messages: [MQTTMessage]) -> Bool {
        zip(stored, stored.dropFirst()).allSatisfy { $0.sequence < $1.sequence }
            && stored.allSatisfy {
                $0.sequence >= 1 && $0.sequence <= messages.count && messages[Int($0.sequence) - 1] == $0.message
            }
    }

    /// The first table leaf page (0x0D: the b-tree page type that holds rows) from `part`/`parts` of the
    /// file on: its index and how many rows it holds.
    func firstLeaf(of path: String, from part: Int, of parts: Int) -> (index: Int, cells: Int)? {
        guard let bytes = readFile(path) else { return nil }
        let pages = bytes.count / pageSize
        guard let leaf = (pages * part / parts..<pages).first(where: { bytes[$0 * pageSize] == 0x0D }) else { return nil }
        return (leaf, Int(bytes[leaf * pageSize + 3]) << 8 | Int(bytes[leaf * pageSize + 4]))
    }

    func overwrite(_ path: String, page index: Int) {
        var bytes = readFile(path)!
        var generator = SystemRandomNumberGenerator()
        for offset in (index * pageSize)..<min(bytes.count, (index + 1) * pageSize) { bytes[offset] = generator.next() }
        writeFile(path, bytes)
    }

    @Test func aTruncatedFileKeepsItsReadableMessagesAndCountsTheRest() throws {
        let directory = StoreDirectory()
        let messages = try fill(directory, count: 2000)
        let size = fileSize(directory.store)
        truncate(directory.store, off_t(size / 2))
        do {
            let store = try DurableStore(path: directory.store, limits: limits)
            let recovery = try #require(store.openReport.recovery)
            let stored = try store.replay()
            #expect(recovery.recovered == stored.count)
            #expect(recovery.recovered > 0)
            #expect(recovery.lost == 2000 - recovery.recovered)
            #expect((recovery.lost ?? 0) > 0)
            #expect(areOriginals(stored, messages))
            #expect(recovery.damagedFile == directory.store + ".corrupt-1")
            #expect(fileSize(recovery.damagedFile) == size / 2)
            #expect(recovery.description.contains("kept \(recovery.recovered) messages, lost \(recovery.lost ?? -1)"))
            #expect(store.metrics.queued.messages == recovery.recovered)
            // Sequences continue after the last one ever handed out.
            #expect(try store.append([numbered(2001)]).sequences == [2001])
        }
        let reopened = try DurableStore(path: directory.store, limits: limits)
        #expect(reopened.openReport.recovery == nil)
        #expect(try reopened.replay().last?.message == numbered(2001))
    }

    @Test func aPageOfRandomBytesLosesExactlyThatPagesMessages() throws {
        let directory = StoreDirectory()
        let messages = try fill(directory, count: 2000)
        let (leaf, cells) = try #require(firstLeaf(of: directory.store, from: 1, of: 2))
        overwrite(directory.store, page: leaf)
        let store = try DurableStore(path: directory.store, limits: limits)
        let recovery = try #require(store.openReport.recovery)
        #expect(recovery.lost == cells)
        #expect(recovery.recovered == 2000 - cells)
        let stored = try store.replay()
        #expect(stored.count == 2000 - cells)
        #expect(areOriginals(stored, messages))
    }

    @Test func aDestroyedHeaderLosesNothing() throws {
        let directory = StoreDirectory()
        let messages = try fill(directory, count: 500)
        overwrite(directory.store, page: 0)
        do {
            let store = try DurableStore(path: directory.store, limits: limits)
            let recovery = try #require(store.openReport.recovery)
            #expect(recovery.recovered == 500)
            #expect(recovery.lost == 0)
            #expect(areOriginals(try store.replay(), messages))
        }
        // Damaged again: the next file aside gets the next number.
        overwrite(directory.store, page: 0)
        let again = try DurableStore(path: directory.store, limits: limits)
        #expect(again.openReport.recovery?.damagedFile == directory.store + ".corrupt-2")
        #expect(again.openReport.recovery?.recovered == 500)
    }

    @Test func anEmptiedFileIsReportedAsAnUnknownLoss() throws {
        let directory = StoreDirectory()
        _ = try fill(directory, count: 10)
        truncate(directory.store, 0)
        let store = try DurableStore(path: directory.store, limits: limits)
        let recovery = try #require(store.openReport.recovery)
        #expect(recovery.recovered == 0)
        #expect(recovery.lost == nil)
    }

    @Test func aFileThatIsNoDatabaseIsMovedAsideWithAnUnknownLoss() throws {
        let directory = StoreDirectory()
        var generator = SystemRandomNumberGenerator()
        writeFile(directory.store, (0..<10_000).map { _ in generator.next() })
        let store = try DurableStore(path: directory.store, limits: limits)
        let recovery = try #require(store.openReport.recovery)
        #expect(recovery.recovered == 0)
        #expect(recovery.lost == nil)
        #expect(recovery.description.contains("lost an unknown number"))
        #expect(directory.entries().filter { $0.contains("corrupt") || $0.contains("salvage") } == ["store.db.corrupt-1"])
        #expect(try store.append([numbered(1)]).sequences == [1])
    }

    @Test func messagesStillOnlyInTheWALAreRecovered() throws {
        let directory = StoreDirectory()
        let crashed = StoreDirectory()
        var messages = try fill(directory, count: 1000)
        // A leaf of the first messages (the state page and the last leaf get newer images in the WAL).
        let (leaf, cells) = try #require(firstLeaf(of: directory.store, from: 1, of: 3))
        messages += (1001...1100).map { numbered($0) }
        let store = try DurableStore(path: directory.store, limits: limits)
        _ = try store.append(Array(messages[1000..<1100]))
        // The files as a crash would leave them: the last 100 messages are in the WAL only.
        writeFile(crashed.store, try #require(readFile(directory.store)))
        writeFile(crashed.store + "-wal", try #require(readFile(directory.store + "-wal")))
        overwrite(crashed.store, page: leaf)
        let salvaged = try DurableStore(path: crashed.store, limits: limits)
        let recovery = try #require(salvaged.openReport.recovery)
        #expect(recovery.lost == cells)
        #expect(recovery.recovered == 1100 - cells)
        let stored = try salvaged.replay()
        #expect(areOriginals(stored, messages))
        #expect(stored.suffix(100).map(\.sequence) == Array(1001...1100))
        #expect(crashed.entries().filter { $0.contains("corrupt") } == ["store.db.corrupt-1", "store.db.corrupt-1-wal"])
    }

    @Test func removedMessagesStayRemovedAfterASalvage() throws {
        let directory = StoreDirectory()
        let messages = (1...500).map { numbered($0) }
        do {
            let store = try DurableStore(path: directory.store, limits: limits)
            for start in stride(from: 0, to: 500, by: 50) { _ = try store.append(Array(messages[start..<start + 50])) }
            try store.remove(upTo: 200)
        }
        overwrite(directory.store, page: 0)
        let store = try DurableStore(path: directory.store, limits: limits)
        #expect(store.openReport.recovery?.recovered == 300)
        #expect(store.openReport.recovery?.lost == 0)
        let stored = try store.replay()
        #expect(stored.map(\.sequence) == Array(201...500))
        #expect(areOriginals(stored, messages))
    }

    @Test func aSalvageStoppedBeforeItsLastRenameIsFinished() throws {
        let directory = StoreDirectory()
        let messages = try fill(directory, count: 3)
        rename(directory.store, directory.store + ".salvage")
        let store = try DurableStore(path: directory.store, limits: limits)
        #expect(store.openReport.recovery == nil)
        #expect(try store.replay().map(\.message) == messages)
    }

    /// Random truncations and random pages overwritten, messages with and without overflow pages: the store
    /// always opens, every message it returns is one that was appended, and the count adds up.
    @Test(arguments: 0..<12) func randomDamageNeverCrashesNorInventsMessages(_ round: Int) throws {
        let directory = StoreDirectory()
        var generator = SystemRandomNumberGenerator()
        let sizes = (0..<300).map { _ in Int.random(in: 0...6000, using: &generator) }
        let messages = try fill(directory, count: 300) { sizes[$0 - 1] }
        let size = fileSize(directory.store)
        if round % 2 == 0 {
            truncate(directory.store, off_t(Int.random(in: 0..<size, using: &generator)))
        } else {
            for _ in 0...(round % 3) {
                overwrite(directory.store, page: Int.random(in: 0..<(size / pageSize), using: &generator))
            }
        }
        do {
            let store = try DurableStore(path: directory.store, limits: limits)
            let stored = try store.replay()
            #expect(areOriginals(stored, messages))
            if let recovery = store.openReport.recovery {
                #expect(recovery.recovered == stored.count)
                if let lost = recovery.lost { #expect(recovery.recovered + lost == 300) }
            } else {
                // Damage SQLite never reads (free space inside a page) loses nothing.
                #expect(stored.count == 300)
            }
        }
        #expect(try DurableStore(path: directory.store, limits: limits).openReport.recovery == nil)
    }
}
