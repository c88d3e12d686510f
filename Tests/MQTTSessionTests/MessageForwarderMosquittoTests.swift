import TedgeMQTTSession
import TedgeMessaging
import TedgeMosquitto
import TedgeRuntime
import TedgeTestSupport
import Testing

/// The forwarder through a real mosquitto, with libmosquitto clients (an MQTT implementation other than ours)
/// publishing and subscribing: every numbered message arrives on its rewritten topic.
@Suite(.serialized) struct MessageForwarderMosquittoTests {
    @Test func forwardsEveryMessageThroughARealBroker() async throws {
        // Persistent queues: the publisher outpaces the forwarder's windows, and mosquitto would silently drop
        // what it queues past 1,000 for the forwarder's session.
        let broker = try await TestBroker(persistent: true)
        defer { broker.stop() }
        var logLines: [String] = []
        let configuration = MessageForwarderConfiguration(
            host: "127.0.0.1", port: UInt16(broker.port), clientID: "mapper-integration", subscriptions: ["in/#"])
        let forwarder = MessageForwarder(
            configuration: configuration,
            convert: { message in
                [MQTTMessage(topic: "out/" + message.topic.dropFirst(3), payload: message.payload, qos: .atLeastOnce)]
            },
            readyMessages: { [MQTTMessage(topic: "health/mapper", text: "up", qos: .atLeastOnce, retain: true)] },
            finalMessages: { [MQTTMessage(topic: "health/mapper", text: "down", qos: .atLeastOnce, retain: true)] },
            log: { logLines.append($0) })
        let (subscriber, inbox) = try await broker.client("integration-subscriber", subscribing: ["out/#"])
        defer { subscriber.disconnect() }
        let clock = SystemMonotonicClock()
        let setupStart = clock.milliseconds
        while !forwarder.isReady && clock.milliseconds - setupStart < 10_000 {
            _ = forwarder.runOnce(maxWaitMilliseconds: 10)
        }
        try #require(forwarder.isReady, "not ready: \(logLines)")

        let (publisher, _) = try await broker.client("integration-publisher")
        defer { publisher.disconnect() }
        let count = 2000
        for number in 0..<count {
            try publisher.publish(MQTTMessage(topic: "in/device\(number % 7)", text: "\(number)", qos: .atLeastOnce))
        }
        var numbers = Set<Int>()
        var duplicates = 0
        let start = clock.milliseconds
        // A hang guard, not a duration assertion.
        while numbers.count < count && clock.milliseconds - start < 60_000 {
            _ = forwarder.runOnce(maxWaitMilliseconds: 1)
            while let message = await inbox.next(timeout: .zero) {
                guard message.topic.hasPrefix("out/device") else { continue }
                if let number = message.text.flatMap({ Int($0) }), !numbers.insert(number).inserted { duplicates += 1 }
            }
        }
        let elapsed = max(clock.milliseconds - start, 1)
        print(
            "forwarded \(numbers.count) messages in \(elapsed) ms (\(Int64(numbers.count) * 1000 / elapsed) msg/s, "
                + "\(duplicates) duplicates; debug build; \(forwarder.statistics))")
        #expect(numbers == Set(0..<count))
        // The input window is TCP backpressure, not ignore-and-reconnect: every input is received once.
        #expect(forwarder.statistics.inputsReceived == count)
        #expect(forwarder.statistics.connections == 1)

        forwarder.requestStop()
        let stopStart = clock.milliseconds
        var outcome: DrainOutcome?
        while outcome == nil && clock.milliseconds - stopStart < 20_000 {
            outcome = forwarder.runOnce(maxWaitMilliseconds: 10)
        }
        #expect(outcome == .completed, "\(logLines)")
        #expect(forwarder.statistics.inputsAcknowledged == count)
        #expect(logLines.contains { $0.hasPrefix("connected to 127.0.0.1:\(broker.port)") })
    }

    /// A mapper started before its broker connects once the broker listens, logging the refusal once.
    @Test func connectsOnceTheBrokerStartsListening() async throws {
        let broker = try await TestBroker()
        defer { broker.stop() }
        // The broker's port, with nothing listening on it yet.
        broker.stop()
        var logLines: [String] = []
        let forwarder = MessageForwarder(
            configuration: MessageForwarderConfiguration(
                host: "127.0.0.1", port: UInt16(broker.port), clientID: "mapper-early", subscriptions: ["in/#"]),
            convert: { _ in [] }, log: { logLines.append($0) })
        let clock = SystemMonotonicClock()
        let start = clock.milliseconds
        while clock.milliseconds - start < 700 { _ = forwarder.runOnce(maxWaitMilliseconds: 50) }
        #expect(!forwarder.isReady)
        #expect(logLines.filter { $0.contains("cannot connect to 127.0.0.1:\(broker.port): Connection refused") }.count == 1)

        try await broker.start()
        let listening = clock.milliseconds
        while !forwarder.isReady && clock.milliseconds - listening < 10_000 {
            _ = forwarder.runOnce(maxWaitMilliseconds: 50)
        }
        #expect(forwarder.isReady, "\(logLines)")
        forwarder.requestStop()
        var outcome: DrainOutcome?
        while outcome == nil && clock.milliseconds - listening < 20_000 { outcome = forwarder.runOnce() }
        #expect(outcome == .completed)
    }
}
