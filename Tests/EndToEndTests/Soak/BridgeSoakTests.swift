import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// The built-in bridge's store-and-forward, played with real processes (run with `--filter SoakTests`): the
/// cloud away while 5,000 numbered measurements are published and acknowledged, then a power cut (broker and
/// mapper SIGKILLed together), SIGKILLs of the mapper during the flood, and an outage longer than the store's
/// `max_size` holds. Guarantee checked: every number arrives, or exactly the oldest are dropped and counted;
/// duplicates are counted and printed.
@Suite(.serialized) struct BridgeSoakTests {
    static let total = 5_000

    @Test func aPowerCutDuringAnOutageLosesNothing() async throws {
        let run = try await BridgeRun()
        try await run.cloudAway()
        try await run.publish(1...Self.total)
        try await run.waitUntilStored(Self.total)
        // The power cut: broker and mapper at once, nothing flushed, nothing drained.
        let broker = try #require(run.device.pid(of: "mosquitto"))
        let mapper = try #require(run.device.pid(of: "tedge-mapper-az"))
        kill(broker, SIGKILL)
        kill(mapper, SIGKILL)
        try await run.restart("mosquitto")
        try await run.restart("tedge-mapper-az")
        try await run.cloudBack()
        try await run.expectAll(1...Self.total, label: "power cut")
    }

    @Test func mapperKilledDuringTheFloodLosesNothing() async throws {
        let run = try await BridgeRun()
        try await run.cloudAway()
        let flood = Task { try await run.publish(1...Self.total) }
        for _ in 0..<4 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 200...700)))
            let mapper = try #require(run.device.pid(of: "tedge-mapper-az"))
            kill(mapper, SIGKILL)
            try await run.restart("tedge-mapper-az")
        }
        try await flood.value
        try await run.waitUntilStored(Self.total)
        try await run.cloudBack()
        try await run.expectAll(1...Self.total, label: "mapper kills")
    }

    @Test func anOutageLongerThanTheStoreDropsExactlyTheOldest() async throws {
        // Room for roughly a fifth of the flood (a stored message is ~100 bytes of topic and payload).
        let run = try await BridgeRun(storeMaxSize: 100_000)
        try await run.cloudAway()
        try await run.publish(1...Self.total)
        let figures = try await run.waitUntilStored(Self.total)
        let dropped = figures.dropped
        #expect(dropped > 0 && dropped < Self.total, "dropped \(dropped)")
        try await run.cloudBack()
        try await run.expectAll((dropped + 1)...Self.total, label: "outage past max_size (\(dropped) dropped)")
        let unexpected = Set(run.collected.numbers).filter { $0 <= dropped }
        #expect(unexpected.isEmpty, "messages the metrics counted as dropped arrived: \(unexpected.sorted().prefix(20))")
    }
}

/// One device with the built-in bridge connected to the simulator, a persistent observer in the cloud and a
/// producer on the local broker.
final class BridgeRun: @unchecked Sendable {
    let device: DeviceEnvironment
    let collected: Collected
    private let observer: MQTTClient
    private let arrivals: Task<Void, Never>

    init(storeMaxSize: Int? = nil) async throws {
        device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure()
        try await device.useBuiltInBridge(storeMaxSize: storeMaxSize)
        // Only the numbered measurements enter the store: forwarded service health (the mapper's and its bridge's
        // `up`) would take store slots too, and the drop count, which counts every message, would then overstate
        // how many numbers were dropped.
        device.expectSuccess(try await device.tedge("config", "set", "az.topics", Binaries.teTopicsWithoutHealth))
        (observer, collected, arrivals) = try await Collected.observe(
            port: device.simulatorBackendPort, clientID: "bridge-soak-observer", filter: "devices/my-device/messages/events/#")
        device.expectSuccess(try await device.tedge("connect", "az"))
    }

    deinit { observer.disconnect() }

    func cloudAway() async throws { await device.stopSimulator() }

    func cloudBack() async throws {
        try await device.startSimulator(extraArguments: [
            "--port", String(device.simulatorTLSPort), "--backend-port", String(device.simulatorBackendPort),
        ])
    }

    func restart(_ service: String) async throws {
        device.expectSuccess(
            try await ChildProcess.run(
                [Binaries.script("local-init"), device.initState, "restart", service], environment: device.environment))
    }

    /// Publishes each number at QoS 1 and returns once the local broker has acknowledged them all (an application
    /// that retries what the broker did not acknowledge, as the broker may restart under it).
    func publish(_ numbers: ClosedRange<Int>) async throws {
        let producer = try MQTTClient(
            .init(
                host: "127.0.0.1", port: device.mqttPort, clientID: "bridge-soak-producer-\(numbers.lowerBound)",
                cleanSession: false,
                maxInflightMessages: 100))
        defer { producer.disconnect() }
        try producer.start()
        try await producer.waitUntilConnected(timeout: .seconds(10))
        var last: Int32 = 0
        for number in numbers {
            last = try producer.publish(MQTTMessage(topic: "tedge/measurements", text: "{\"n\": \(number)}", qos: .atLeastOnce))
        }
        try await producer.waitForDelivery(of: last, timeout: .seconds(120))
    }

    /// Waits (bounded) until the bridge's retained metrics say every message is in the store or was dropped from
    /// it: what the device accepted is then on disk. Returns the last figures.
    @discardableResult
    func waitUntilStored(_ count: Int) async throws -> (queued: Int, dropped: Int) {
        var figures = (queued: 0, dropped: 0)
        for _ in 0..<120 {
            let (client, inbox) = try await device.localClient(subscribing: [
                "te/device/main/service/tedge-mapper-bridge-az/status/metrics"
            ])
            let metrics = await inbox.next(timeout: .seconds(5))
            client.disconnect()
            if let text = metrics?.text {
                figures = (Self.field("queued_messages", in: text), Self.field("dropped_messages", in: text))
                if figures.queued + figures.dropped >= count { return figures }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        Issue.record("the store never held \(count) messages: \(figures)")
        return figures
    }

    /// Waits for the observer to stop receiving new numbers, then checks that every expected number arrived.
    func expectAll(_ expected: ClosedRange<Int>, label: String) async throws {
        var stalled = 0
        var seen = 0
        while Set(collected.numbers).count < expected.count, stalled < 30 {
            try await Task.sleep(for: .seconds(1))
            let now = Set(collected.numbers).count
            stalled = now == seen ? stalled + 1 : 0
            seen = now
        }
        let received = collected.numbers
        let unique = Set(received)
        let missing = expected.filter { !unique.contains($0) }
        print(
            "bridge soak (\(label)): \(expected.count) expected, \(received.count) received, \(unique.count) distinct, "
                + "\(received.count - unique.count) duplicates, \(missing.count) missing")
        #expect(missing.isEmpty, "missing: \(missing.prefix(50))")
        if !missing.isEmpty {
            let log = (try? String(contentsOfFile: device.initState + "/tedge-mapper-az.log", encoding: .utf8)) ?? ""
            print("bridge soak: --- mapper log\n" + log.split(separator: "\n").suffix(40).joined(separator: "\n"))
        }
    }

    static func field(_ name: String, in text: String) -> Int {
        guard let range = text.range(of: "\"\(name)\":") else { return 0 }
        return Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }
}
