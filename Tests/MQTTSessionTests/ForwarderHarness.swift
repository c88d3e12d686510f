import TedgeMQTTSession
import TedgeMQTTSessionTesting
import TedgeMessaging
import Testing

/// A forwarder on in-memory connections with a manual clock; every connection it opens gets a scripted broker,
/// kept by the session it carries.
final class ForwarderHarness {
    let clock = ManualClock()
    /// The input session's brokers, one per connection, newest last.
    private(set) var brokers: [ScriptedBroker] = []
    private(set) var outputBrokers: [ScriptedBroker] = []
    private(set) var logLines: [String] = []
    private(set) var convertedTopics: [String] = []
    /// Input connections to refuse (the output connection of the same attempt is closed with it).
    var failNextConnections = 0
    /// What the next output connections' transports report on connect (`.inProgress`: TCP still connecting).
    var outputConnectProgress: TransportConnectProgress = .connected
    var forwarder: MessageForwarder!

    init(
        maxInflight: Int = 20, keepAliveSeconds: UInt16 = 60, drainTimeoutMilliseconds: Int64 = 5000,
        maxQueuedOutputs: Int = 1000, inputWindow: Int = 1000, subscriptions: [String] = ["te/+/+/+/+/m/+"],
        maxIncomingPacketBytes: Int = MQTTPacketDecoder.defaultMaxRemainingLength,
        oversizedInput: @escaping (String, Int) -> [MQTTMessage] = { _, _ in [] },
        readyMessages: @escaping () -> [MQTTMessage] = { [] },
        finalMessages: @escaping () -> [MQTTMessage] = { [] },
        convert: @escaping (MQTTMessage) -> [MQTTMessage] = ForwarderHarness.renameToCloud
    ) {
        let configuration = MessageForwarderConfiguration(
            clientID: "tedge-mapper-test", keepAliveSeconds: keepAliveSeconds,
            will: MQTTMessage(topic: "te/health", text: "down", qos: .atLeastOnce, retain: true),
            subscriptions: subscriptions, maxInflight: maxInflight,
            drainTimeoutMilliseconds: drainTimeoutMilliseconds, maxQueuedOutputs: maxQueuedOutputs,
            inputWindow: inputWindow, maxIncomingPacketBytes: maxIncomingPacketBytes)
        forwarder = MessageForwarder(
            configuration: configuration,
            convert: { [unowned self] message in
                convertedTopics.append(message.topic)
                return convert(message)
            },
            oversizedInput: oversizedInput, readyMessages: readyMessages, finalMessages: finalMessages,
            log: { [unowned self] line in logLines.append(line) },
            connector: { [unowned self] _, _, session in
                let (client, peer) = InMemoryTransport.makePair()
                switch session {
                case .input where failNextConnections > 0:
                    failNextConnections -= 1
                    client.connectProgress = .failed("Connection refused")
                case .input:
                    brokers.append(ScriptedBroker(transport: peer, client: client))
                case .output:
                    client.connectProgress = outputConnectProgress
                    outputBrokers.append(ScriptedBroker(transport: peer, client: client))
                }
                return client
            },
            clock: clock)
    }

    /// One output per input, on a cloud topic, same QoS.
    static func renameToCloud(_ message: MQTTMessage) -> [MQTTMessage] {
        [MQTTMessage(topic: "c8y/" + message.topic, payload: message.payload, qos: message.qos)]
    }

    /// The input session's current broker.
    var broker: ScriptedBroker { brokers[brokers.count - 1] }
    /// The output session's current broker.
    var outputBroker: ScriptedBroker { outputBrokers[outputBrokers.count - 1] }

    func broker(_ session: MQTTSessionRole) -> ScriptedBroker { session == .input ? broker : outputBroker }

    func step() { forwarder.step() }

    /// Connects both sessions, answers CONNACK on both and SUBACK on the input, and returns what the forwarder
    /// sent on the output session once ready.
    @discardableResult
    func establish() throws -> [MQTTPacket] {
        step()
        for session in [MQTTSessionRole.input, .output] {
            let connect = try broker(session).received()
            guard case .connect = connect.first else { throw HarnessError.unexpected(connect) }
            broker(session).send(.connack(sessionPresent: false, returnCode: 0))
        }
        step()
        #expect(try outputBroker.received().isEmpty)
        let subscribe = try broker.received()
        guard case .subscribe(let packetID, let subscriptions) = subscribe.first else {
            throw HarnessError.unexpected(subscribe)
        }
        broker.send(.suback(packetID: packetID, returnCodes: subscriptions.map { _ in 1 }))
        step()
        #expect(try broker.received().isEmpty)
        return try outputBroker.received()
    }

    /// Answers every PUBLISH the output session has sent with a PUBACK; returns their packet identifiers.
    @discardableResult
    func acknowledgeOutputs() throws -> [UInt16] {
        let ids = try outputBroker.received().compactMap(\.publishedPacketID)
        for id in ids { outputBroker.send(.puback(packetID: id)) }
        return ids
    }

    func sendInput(_ packetID: UInt16, topic: String = "te/device/main///m/", qos: MQTTQoS = .atLeastOnce) {
        broker.send(
            .publish(
                MQTTMessage(topic: topic, text: "{\"n\":\(packetID)}", qos: qos),
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
