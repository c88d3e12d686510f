import Glibc
import TedgeMQTTSession
import TedgeMessaging
import Testing

/// The forwarder through a real mosquitto: every numbered message arrives on its rewritten topic.
@Suite(.serialized) struct MessageForwarderMosquittoTests {
    @Test func forwardsEveryMessageThroughARealBroker() throws {
        let broker = try MosquittoBroker()
        defer { broker.stop() }
        var logLines: [String] = []
        let configuration = MessageForwarderConfiguration(
            host: "127.0.0.1", port: broker.port,
            clientID: "mapper-integration", subscriptions: ["in/#"])
        let forwarder = MessageForwarder(
            configuration: configuration,
            convert: { message in
                [MQTTMessage(topic: "out/" + message.topic.dropFirst(3), payload: message.payload, qos: .atLeastOnce)]
            },
            readyMessages: { [MQTTMessage(topic: "health/mapper", text: "up", qos: .atLeastOnce, retain: true)] },
            finalMessages: { [MQTTMessage(topic: "health/mapper", text: "down", qos: .atLeastOnce, retain: true)] },
            log: { logLines.append($0) })
        let subscriber = try TestMQTTClient(
            port: broker.port, clientID: "integration-subscriber",
            subscribeTo: "out/#")
        defer { subscriber.close() }
        let clock = SystemMonotonicClock()
        let setupStart = clock.milliseconds
        while !forwarder.isReady && clock.milliseconds - setupStart < 10_000 {
            _ = forwarder.runOnce(maxWaitMilliseconds: 10)
        }
        try #require(forwarder.isReady, "not ready: \(logLines)")

        let publisher = try TestMQTTClient(port: broker.port, clientID: "integration-publisher")
        defer { publisher.close() }
        let count = 2000
        var nextToSend = 0
        var numbers = Set<Int>()
        var duplicates = 0
        var seen = 0
        let start = clock.milliseconds
        // A hang guard, not a duration assertion.
        while numbers.count < count && clock.milliseconds - start < 60_000 {
            while nextToSend < count && publisher.unacknowledgedPublishes < 100 {
                try publisher.publish(
                    MQTTMessage(
                        topic: "in/device\(nextToSend % 7)", text: "\(nextToSend)",
                        qos: .atLeastOnce))
                nextToSend += 1
            }
            try publisher.pump()
            _ = forwarder.runOnce(maxWaitMilliseconds: 1)
            try subscriber.pump()
            for message in subscriber.received[seen...] {
                #expect(message.topic.hasPrefix("out/device"))
                if let number = message.text.flatMap({ Int($0) }), !numbers.insert(number).inserted { duplicates += 1 }
            }
            seen = subscriber.received.count
        }
        let elapsed = max(clock.milliseconds - start, 1)
        print(
            "forwarded \(numbers.count) messages in \(elapsed) ms (\(Int64(numbers.count) * 1000 / elapsed) msg/s, "
                + "\(duplicates) duplicates; debug build, publisher and subscriber on the same thread; "
                + "\(forwarder.statistics))")
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
    @Test func connectsOnceTheBrokerStartsListening() throws {
        let port = try MosquittoBroker.freeLoopbackPort()
        var logLines: [String] = []
        let forwarder = MessageForwarder(
            configuration: MessageForwarderConfiguration(
                host: "127.0.0.1", port: port, clientID: "mapper-early",
                subscriptions: ["in/#"]),
            convert: { _ in [] }, log: { logLines.append($0) })
        let clock = SystemMonotonicClock()
        let start = clock.milliseconds
        while clock.milliseconds - start < 700 { _ = forwarder.runOnce(maxWaitMilliseconds: 50) }
        #expect(!forwarder.isReady)
        #expect(logLines.filter { $0.contains("cannot connect to 127.0.0.1:\(port): Connection refused") }.count == 1)

        let broker = try MosquittoBroker(port: port)
        defer { broker.stop() }
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
