import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// The real `tedge-mapper <cloud>` on its own mosquitto, configured with the real `tedge config set`, and an
/// observer subscribed to everything. What the mapper publishes for an input is taken between two fences: a
/// health-check request makes the mapper publish a fresh `up` on its te/ health topic, and as it publishes its
/// outputs in the order it converted the inputs, everything before that `up` belongs to the inputs sent before it.
/// A mapper that maps its own health (Cumulocity's 102, which carries no pid) publishes that echo right after the
/// `up`: the fence waits for it too and drops it, so a window holds only what its inputs produced.
final class TeMapperHarness: @unchecked Sendable {
    let cloud: String
    let broker: TestBroker
    let directory: String
    private(set) var mapper: ChildProcess?
    private let observer: MQTTClient
    private let inbox: MessageInbox
    private let publisher: MQTTClient
    let healthTopic: String
    /// What this harness published since the last fence: the observer sees it too, and it is not the mapper's.
    private var sent: [MQTTMessage] = []
    /// What the mapper publishes in answer to its own `up`, learned at start (nothing for Azure and AWS, whose
    /// forwarded health carries the pid).
    private(set) var echo: [MQTTMessage] = []
    /// Messages that came after a fence's `up` but are not its echo: they open the next window.
    private var carried: [MQTTMessage] = []

    /// The main device's id in thin-edge's tests (the certificate's CN).
    static let deviceID = "test-device"

    init(cloud: String, settings: [(String, String)] = []) async throws {
        self.cloud = cloud
        broker = try await TestBroker()
        directory = broker.directory + "/etc"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "[mqtt]\nport = \(broker.port)\n".write(toFile: directory + "/tedge.toml", atomically: true, encoding: .utf8)
        let certificate = try await ChildProcess.run(
            [Binaries.tedge, "--config-dir", directory, "cert", "create", "--device-id", Self.deviceID])
        guard certificate.status == .exited(0) else { throw TedgeError("tedge cert create: \(certificate.standardError)") }
        // Cumulocity's mapper names the main device by c8y.device.id, which `tedge connect c8y` records from the
        // certificate on a device (no connect here: the same key, set to the certificate's CN).
        let deviceSettings = cloud == "c8y" ? [("c8y.device.id", Self.deviceID)] : []
        for (key, value) in deviceSettings + settings {
            let set = try await ChildProcess.run([Binaries.tedge, "--config-dir", directory, "config", "set", key, value])
            guard set.status == .exited(0) else { throw TedgeError("tedge config set \(key) \(value): \(set.standardError)") }
        }
        // The health topic follows mqtt.topic_root and mqtt.device_topic_id.
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: []), directory: directory)
        for (key, value) in settings {
            if let core = config.schema.key(named: key) { try config.set(core, to: value) }
        }
        healthTopic = try MapperHealth(serviceName: "tedge-mapper-\(cloud)", config: config).topic
        (observer, inbox) = try await broker.client(subscribing: ["#"])
        (publisher, _) = try await broker.client()
    }

    var log: String { broker.directory + "/mapper.log" }

    /// Starts the mapper and waits for it to be up, for what it publishes at start to be over, and learns the echo
    /// of its own `up`: a fence when nothing was sent collects only the echo of the fence before.
    func startMapper() async throws {
        let process = try ChildProcess.spawn(
            [Binaries.mapper, "--config-dir", directory, cloud], standardOutput: log, standardError: log)
        mapper = process
        // Its first `up` comes once it has subscribed; from then on each health check gets exactly one `up`.
        _ = try await untilUp()
        _ = try await fence()
        echo = try await fence()
        try await awaitEcho()
    }

    var pid: pid_t { mapper?.pid ?? 0 }

    func publish(_ topic: String, _ payload: [UInt8], retain: Bool = false) async throws {
        let message = MQTTMessage(topic: topic, payload: payload, qos: .atLeastOnce, retain: retain)
        let mid = try publisher.publish(message)
        sent.append(message)
        try await publisher.waitForDelivery(of: mid, timeout: .seconds(10))
    }

    func publish(_ topic: String, _ text: String, retain: Bool = false) async throws {
        try await publish(topic, Array(text.utf8), retain: retain)
    }

    /// Asks the mapper for its health and returns what was published since the last fence: every message but the
    /// harness's own, the mapper's own health (on te/, or forwarded to the cloud: it carries the mapper's pid) and
    /// the echo of the previous fence's `up`.
    func fence() async throws -> [MQTTMessage] {
        try await publish(healthTopic.replacingOccurrences(of: "/status/health", with: "/cmd/health/check"), "{}")
        let collected = try await untilUp()
        try await awaitEcho()
        return collected
    }

    private func untilUp() async throws -> [MQTTMessage] {
        var collected = carried
        carried = []
        while let message = await inbox.next(timeout: .seconds(10)) {
            if message.topic == healthTopic, isOwn(message), message.text?.contains(#""status":"up""#) == true {
                sent = []
                return collected.filter { !isOwn($0) }
            }
            if let index = sent.firstIndex(where: { $0.topic == message.topic && $0.payload == message.payload }) {
                sent.remove(at: index)
            } else {
                collected.append(message)
            }
        }
        throw TedgeError("tedge-mapper-\(cloud) did not answer a health check: \(try logText())")
    }

    /// Takes the echo of the `up` just seen; anything else the mapper publishes meanwhile opens the next window.
    private func awaitEcho() async throws {
        var missing = echo
        while !missing.isEmpty {
            guard let message = await inbox.next(timeout: .seconds(10)) else {
                throw TedgeError("tedge-mapper-\(cloud) did not map its own up as at start: \(missing) \(try logText())")
            }
            if let index = missing.firstIndex(where: { $0.topic == message.topic && $0.payload == message.payload }) {
                missing.remove(at: index)
            } else if !isOwn(message) {
                carried.append(message)
            }
        }
    }

    /// The mapper's own health: a JSON object with its pid.
    func isOwn(_ message: MQTTMessage) -> Bool {
        guard case .success(.object(let members)) = JSONText.parse(message.payload) else { return false }
        return members.contains { $0.key == "pid" && $0.value == .integer(Int64(pid)) }
    }

    /// Waits for one message on `topic` (the observer sees everything), skipping others.
    func next(on topic: String, timeout: Duration = .seconds(10)) async -> MQTTMessage? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, let message = await inbox.next(timeout: deadline - ContinuousClock.now) {
            if message.topic == topic { return message }
        }
        return nil
    }

    /// The retained messages on `filter`, read by a new client.
    func retained(_ filter: String) async throws -> [MQTTMessage] {
        let (client, retainedInbox) = try await broker.client(subscribing: [filter])
        defer { client.disconnect() }
        var messages: [MQTTMessage] = []
        while let message = await retainedInbox.next(timeout: .milliseconds(500)) { messages.append(message) }
        return messages
    }

    func logText() throws -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    var isMapperRunning: Bool { mapper?.wait(timeout: .zero) == nil }

    deinit {
        observer.disconnect()
        publisher.disconnect()
        mapper?.stop()
    }
}
