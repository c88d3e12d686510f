import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import TedgeTestSupport
import Testing

/// The built-in bridge's durability order in the real processes, traced by strace: `tedge-mapper az` (and the
/// `tedge-mapper-bridge` it executes) sends the local broker a PUBACK only once every write to the durable store
/// before it has been synced to disk. The store's own test (`DurableStoreCrashTests`) shows the same of the store
/// alone; this one shows the mapper acknowledges nothing between a store write and its sync.
@Suite(.serialized) struct BridgeDurabilityOrderTests {
    static let count = 400

    @Test func everyPubackToTheLocalBrokerFollowsTheSyncOfTheStore() async throws {
        let run = try await BridgeRun()
        // The cloud away: the store only grows, so every store write is an append the acknowledgements wait for.
        try await run.cloudAway()
        // The init system's mapper makes way for one run under strace.
        run.device.expectSuccess(
            try await ChildProcess.run(
                [Binaries.script("local-init"), run.device.initState, "stop", "tedge-mapper-az"],
                environment: run.device.environment))
        let log = run.device.root + "/strace.log"
        let tracer = try ChildProcess.spawn(
            [
                "strace", "-f", "-yy", "-qq", "-x", "-s", "65536", "-o", log,
                "-e", "trace=fsync,fdatasync,write,pwrite64,pwritev,writev,sendto,sendmsg",
                Binaries.mapper, "--config-dir", run.device.configDirectory, "az",
            ], environment: run.device.environment, standardOutput: run.device.root + "/mapper.out",
            standardError: run.device.root + "/mapper.out")
        defer { tracer.stop() }
        await run.device.waitForMapperUp("az")

        try await run.publish(1...Self.count)
        try await run.waitUntilStored(Self.count)
        // A clean stop ends the trace: SIGTERM to the traced mapper, strace exits with it.
        let mapper = try #require(Self.child(of: tracer.pid), "the traced mapper runs")
        kill(mapper, SIGTERM)
        #expect(await tracer.wait(timeout: .seconds(30)) == .exited(0), "strace is installed by scripts/install-deps")

        let trace = BridgeTrace(
            log: try String(contentsOfFile: log, encoding: .utf8), storeDirectory: run.device.root + "/bridge-store/",
            brokerPort: run.device.mqttPort)
        print(
            "durability order: \(trace.pubacks) PUBACKs to the local broker, \(trace.storeWrites) store writes, "
                + "\(trace.storeSyncs) store syncs for \(Self.count) messages")
        if trace.pubacks < Self.count || trace.storeSyncs == 0 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            print(
                "durability order: --- the trace's first lines\n"
                    + text.split(separator: "\n").prefix(40).map { $0.prefix(300) }.joined(separator: "\n"))
        }
        #expect(trace.pubacks >= Self.count, "every message was acknowledged to the local broker")
        #expect(trace.storeSyncs > 0)
        #expect(
            trace.unsyncedAcknowledgements.isEmpty,
            "PUBACKs sent with store writes not yet synced: \(trace.unsyncedAcknowledgements.prefix(5))")
    }

    /// The reading of the trace itself: a PUBACK after an unsynced store write is caught, one after the sync is not.
    @Test func theTraceReadingCatchesAPubackBeforeTheSync() {
        let store = "/tmp/x/bridge-store/"
        let write = #"7 pwrite64(6</tmp/x/bridge-store/az.db-wal>, "\x00\x01", 2, 0) = 2"#
        let sync = #"7 fdatasync(6</tmp/x/bridge-store/az.db-wal>) = 0"#
        let ack =
            #"7 sendto(7<TCP:[127.0.0.1:5000->127.0.0.1:1883]>, "\x40\x02\x00\x0c\x40\x02\x00\x0d", 8, MSG_NOSIGNAL, NULL, 0) = 8"#
        let publish = #"7 sendto(8<TCP:[127.0.0.1:5001->127.0.0.1:1883]>, "\x30\x03\x00\x01\x61", 5, MSG_NOSIGNAL, NULL, 0) = 5"#
        let good = BridgeTrace(log: [write, sync, ack, publish].joined(separator: "\n"), storeDirectory: store, brokerPort: 1883)
        #expect(good.pubacks == 2 && good.storeWrites == 1 && good.storeSyncs == 1 && good.unsyncedAcknowledgements.isEmpty)
        let bad = BridgeTrace(log: [write, sync, write, ack].joined(separator: "\n"), storeDirectory: store, brokerPort: 1883)
        #expect(bad.unsyncedAcknowledgements == [ack])
    }

    /// The first child of a process (strace's tracee).
    static func child(of pid: pid_t) -> pid_t? {
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { pid_t($0) }
    }
}

/// An `strace -f -yy -x` log of the mapper read as the durability argument needs it: writes and syncs of the store's
/// files, and the PUBACK packets written to the local broker's socket.
struct BridgeTrace {
    private(set) var pubacks = 0
    private(set) var storeWrites = 0
    private(set) var storeSyncs = 0
    /// The strace lines of PUBACKs sent while a store write before them was not yet synced.
    private(set) var unsyncedAcknowledgements: [String] = []

    init(log: String, storeDirectory: String, brokerPort: Int) {
        var dirty = false
        let brokerSocket = "->127.0.0.1:\(brokerPort)]"
        for line in log.split(separator: "\n") {
            // "<pid>  <call>(<fd><path or socket>>, ..."
            guard let open = line.firstIndex(of: "(") else { continue }
            let call = line[..<open].split(separator: " ").last.map(String.init) ?? ""
            let arguments = line[line.index(after: open)...]
            // The descriptor's file or socket ends at the `>` before the next argument (a socket's has `->` in it).
            guard let targetStart = arguments.firstIndex(of: "<"),
                let targetEnd = arguments.range(of: ">, ")?.lowerBound ?? arguments.range(of: ">)")?.lowerBound
            else { continue }
            let target = arguments[arguments.index(after: targetStart)..<targetEnd]
            if target.hasPrefix(storeDirectory) {
                if call == "fsync" || call == "fdatasync" {
                    storeSyncs += 1
                    dirty = false
                } else {
                    storeWrites += 1
                    dirty = true
                }
            } else if target.hasSuffix(brokerSocket), call == "sendto" || call == "write" {
                let count = Self.pubackCount(in: Self.bytes(of: arguments))
                pubacks += count
                if count > 0, dirty { unsyncedAcknowledgements.append(String(line)) }
            }
        }
    }

    /// The bytes of the first quoted argument, as `-x` prints a string that is not all ASCII (`"\x40\x02…"`).
    static func bytes(of arguments: Substring) -> [UInt8] {
        guard let quote = arguments.firstIndex(of: "\"") else { return [] }
        let body = arguments[arguments.index(after: quote)...].prefix { $0 != "\"" }
        return body.split(separator: "\\", omittingEmptySubsequences: true).compactMap { UInt8($0.dropFirst(), radix: 16) }
    }

    /// The PUBACK packets (`0x40 0x02` and a packet id) in a buffer of whole MQTT packets.
    static func pubackCount(in bytes: [UInt8]) -> Int {
        var index = 0
        var count = 0
        while index + 1 < bytes.count {
            // Remaining length, at most four bytes of seven bits.
            var length = 0
            var multiplier = 1
            var cursor = index + 1
            while cursor < bytes.count {
                length += Int(bytes[cursor] & 0x7F) * multiplier
                multiplier *= 128
                cursor += 1
                if bytes[cursor - 1] & 0x80 == 0 { break }
            }
            if bytes[index] == 0x40, length == 2 { count += 1 }
            index = cursor + length
        }
        return count
    }
}
