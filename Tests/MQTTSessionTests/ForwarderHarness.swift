import TedgeMessaging
import TedgeMQTTSession

/// A forwarder on in-memory connections with a manual clock; every connection it opens gets a scripted broker.
final class ForwarderHarness {
    let clock = ManualClock()
    private(set) var brokers: [ScriptedBroker] = []
    private(set) var logLines: [String] = []
    private(set) var convertedTopics: [String] = []
    var failNextConnections = 0
    var forwarder: MessageForwarder!

    init(maxInflight: Int = 20, keepAliveSeconds: UInt16 = 60, drainTimeoutMilliseconds: Int64 = 5000,
         maxQueuedOutputs: Int = 1000, maxPendingInputs: Int = 1000, subscriptions: [String] = ["te/+/+/+/+/m/+"],
         readyMessages: @escaping () -> [MQTTMessage] = { [] },
         finalMessages: @escaping () -> [MQTTMessage] = { [] },
         convert: @escaping (MQTTMessage) -> [MQTTMessage] = ForwarderHarness.renameToCloud) {
        let configuration = MessageForwarderConfiguration(
            clientID: "tedge-mapper-test", keepAliveSeconds: keepAliveSeconds,
            will: MQTTMessage(topic: "te/health", text: "down", qos: .atLeastOnce, retain: true),
            subscriptions: subscriptions, maxInflight: maxInflight,
            drainTimeoutMilliseconds: drainTimeoutMilliseconds, maxQueuedOutputs: maxQueuedOutputs,
            maxPendingInputs: maxPendingInputs)
        forwarder = MessageForwarder(
            configuration: configuration,
            convert: { [unowned self] message in
                convertedTopics.append(message.topic)
                return convert(message)
            },
            readyMessages: readyMessages, finalMessages: finalMessages,
            log: { [unowned self] line in logLines.append(line) },
            connector: { [unowned self] _, _ in
                let (client, peer) = InMemoryTransport.makePair()
                if failNextConnections > 0 {
                    failNextConnections -= 1
                    client.connectProgress = .failed("Connection refused")
                } else {
                    brokers.append(ScriptedBroker(transport: peer))
                }
                return client
            },
            clock: clock)
    }

    /// One output per input, on a cloud topic, same QoS.
    static func renameToCloud(_ message: MQTTMessage) -> [MQTTMessage] {
        [MQTTMessage(topic: "c8y/" + message.topic, payload: message.payload, qos: message.qos)]
    }

    var broker: ScriptedBroker { brokers[brokers.count - 1] }

    func step() { forwarder.step() }

    /// Connects, answers CONNACK and SUBACK, and returns what the forwarder sent after SUBACK.
    @discardableResult
    func establish() throws -> [MQTTPacket] {
        step()
        let connect = try broker.received()
        guard case .connect = connect.first else { throw HarnessError.unexpected(connect) }
        broker.send(.connack(sessionPresent: false, returnCode: 0))
        step()
        let subscribe = try broker.received()
        guard case .subscribe(let packetID, let subscriptions) = subscribe.first else {
            throw HarnessError.unexpected(subscribe)
        }
        broker.send(.suback(packetID: packetID, returnCodes: subscriptions.map { _ in 1 }))
        step()
        return try broker.received()
    }

    func sendInput(_ packetID: UInt16, topic: String = "te/device/main///m/", qos: MQTTQoS = .atLeastOnce) {
        broker.send(.publish(MQTTMessage(topic: topic, text: "{\"n\":\(packetID)}", qos: qos),
                             packetID: qos == .atMostOnce ? nil : packetID, isDuplicate: false))
    }
}

enum HarnessError: Error {
    case unexpected([MQTTPacket])
}

extension MQTTPacket {
    var publishedPacketID: UInt16? {
        if case .publish(_, let packetID, _) = self { return packetID }
        return nil
    }

    var publishedTopic: String? {
        if case .publish(let message, _, _) = self { return message.topic }
        return nil
    }

    var acknowledgedPacketID: UInt16? {
        if case .puback(let packetID) = self { return packetID }
        return nil
    }
}
