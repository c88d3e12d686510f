import Glibc
import TedgeDurableStore
import Testing

/// The probe (`durable-store-probe`) appends numbered messages and says "ACK <n>" once an append returned.
/// Killed at random moments, traced by strace: what it acknowledged is on disk, synced first, in order.
@Suite(.serialized) struct DurableStoreCrashTests {
    func acknowledged(_ line: String) -> Int? {
        line.hasPrefix("ACK ") ? Int(line.dropFirst(4)) : nil
    }

    @Test func everyAcknowledgedMessageSurvivesASIGKILLInOrder() throws {
        let directory = StoreDirectory()
        var generator = SystemRandomNumberGenerator()
        var rounds: [(first: Int, last: Int)] = []
        for round in 0..<9 {
            // Each run numbers its messages from its own range, so the store's order shows the runs' order too.
            let first = round * 1_000_000 + 1
            let batchSize = [1, 7, 50][round % 3]
            let probe = try ProbeRun(
                [ProbeRun.probe, directory.store, String(first), "900000", String(batchSize)],
                outputPath: directory.path + "/output-\(round).txt")
            _ = probe.waitForLines(Int.random(in: 1...40, using: &generator))
            usleep(UInt32.random(in: 0..<3000, using: &generator))
            probe.process.signal(SIGKILL)
            let status = probe.finish()
            // Every ACK it wrote before it died is an acknowledgement the store must honour.
            let last = probe.lines().compactMap(acknowledged).last ?? first - 1
            #expect(status == .signalled(SIGKILL), "the probe was killed before it finished")
            #expect(last >= first, "round \(round) acknowledged something before the kill")
            rounds.append((first, last))
        }
        let store = try DurableStore(path: directory.store, limits: DurableStoreLimits(maxSizeBytes: 1 << 30))
        #expect(store.openReport.recovery == nil, "a SIGKILL never damages the file")
        let numbers = try store.replay().compactMap { number(of: $0.message) }
        #expect(numbers == numbers.sorted())
        let present = Set(numbers)
        for (first, last) in rounds where last >= first {
            let missing = (first...last).filter { !present.contains($0) }
            #expect(missing.isEmpty, "acknowledged \(first)...\(last), missing \(missing.prefix(5))")
        }
    }

    /// Traces one run; the probe's output lines and the trace.
    func traced(_ directory: StoreDirectory, count: Int, batchSize: Int) throws -> (lines: [String], trace: SyscallTrace) {
        let log = directory.path + "/strace-\(batchSize).log"
        let probe = try ProbeRun(
            [
                "strace", "-f", "-y", "-qq", "-o", log, "-e", "trace=fsync,fdatasync,write,pwrite64,pwritev,writev",
                ProbeRun.probe, directory.path + "/store-\(batchSize).db", "1", String(count), String(batchSize),
            ], outputPath: directory.path + "/output-\(batchSize).txt")
        let status = probe.finish()
        let lines = probe.lines()
        #expect(status == .exited(0), "strace and the probe ran (strace is installed by scripts/install-deps)")
        let text = String(decoding: readFile(log) ?? [], as: UTF8.self)
        let store = directory.path + "/store-\(batchSize).db"
        return (lines, SyscallTrace(log: text, storeFiles: [store, store + "-wal"]))
    }

    @Test func everyAcknowledgementIsPrecededByAnFsyncOfTheBatchWritten() throws {
        let directory = StoreDirectory()
        let (lines, trace) = try traced(directory, count: 200, batchSize: 10)
        #expect(lines.last == "DONE")
        let intervals = trace.intervals
        #expect(intervals.map(\.acknowledgement) == stride(from: 10, through: 200, by: 10).map { "ACK \($0)" })
        for (acknowledgement, before) in intervals {
            // The batch went to the WAL, and a sync of the store's files came after the last of those writes.
            let lastWALWrite = before.lastIndex { if case .storeWrite(let path) = $0 { path.hasSuffix("-wal") } else { false } }
            let lastSync = before.lastIndex { if case .storeSync = $0 { true } else { false } }
            #expect(lastWALWrite != nil, "\(acknowledgement): the batch was written to the WAL")
            #expect(lastSync != nil && lastSync! > (lastWALWrite ?? .max), "\(acknowledgement): synced after the writes")
        }
    }

    @Test func aBatchCostsOneSyncNotOnePerMessage() throws {
        let directory = StoreDirectory()
        let count = 600
        let single = try traced(directory, count: count, batchSize: 1).trace.syncCount
        let batched = try traced(directory, count: count, batchSize: 50).trace.syncCount
        // One sync per append, plus a few for creating the file, checkpoints and closing.
        #expect(single >= count)
        #expect(batched >= count / 50)
        #expect(batched <= count / 50 + 8, "\(batched) syncs for \(count / 50) batches")
    }
}
