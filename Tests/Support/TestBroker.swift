import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime

/// A mosquitto of its own on a free loopback port, stopped by PID when released.
public final class TestBroker: @unchecked Sendable {
    public let port: Int
    public let directory: String
    private var process: ChildProcess?

    public init(persistent: Bool = false) async throws {
        port = PortProbe.freePort()
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("tedge-broker-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var lines = ["listener \(port) 127.0.0.1", "allow_anonymous true", "log_dest file \(directory)/mosquitto.log"]
        // As tedge configures a device's broker: persistent queues that hold more than mosquitto's silent 1,000.
        if persistent {
            lines += [
                "persistence true", "persistence_location \(directory)/", "autosave_interval 1", "max_queued_messages 100000",
            ]
        }
        if getuid() == 0 { lines.append("user root") }
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
        try await start()
    }

    public func start() async throws {
        process = try ChildProcess.spawn(["mosquitto", "-c", directory + "/mosquitto.conf"])
        guard await PortProbe.waitUntilListening(port: port, timeout: .seconds(10)) else {
            throw TedgeError("mosquitto did not start")
        }
    }

    /// The broker's process id, to pause it (SIGSTOP) as a hung broker.
    public var pid: pid_t? { process?.pid }

    public func stop() {
        process?.stop()
        process = nil
    }

    public func restart() async throws {
        if let process { await OwnThread.run { process.stop() } }  // waiting for its exit off the cooperative pool
        process = nil
        try await start()
    }

    public func client(
        _ id: String = "test-\(UUID().uuidString.prefix(6))", subscribing filters: [String] = [],
        cleanSession: Bool = true
    ) async throws -> (MQTTClient, MessageInbox) {
        let client = try MQTTClient(.init(host: "127.0.0.1", port: port, clientID: id, cleanSession: cleanSession))
        for filter in filters { try client.subscribe(filter, qos: .atLeastOnce) }
        let inbox = MessageInbox(client)
        try client.connect()
        try await client.waitUntilSubscribed(timeout: .seconds(10))
        return (client, inbox)
    }

    deinit {
        process?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
