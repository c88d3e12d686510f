import TedgeMessaging

/// A message as it moves through a flow's steps: an MQTT message plus the time it stands for.
public struct FlowMessage: Equatable, Sendable {
    public var topic: String
    /// Bytes, as MQTT carries them (not necessarily UTF-8).
    public var payload: [UInt8]
    /// Unix seconds; nil until a step or the input gives one (a script then sees the processing time).
    public var time: Double?
    /// thin-edge's default for a message a step creates: QoS 1, not retained.
    public var qos: MQTTQoS
    public var retain: Bool

    public init(topic: String, payload: [UInt8], time: Double? = nil, qos: MQTTQoS = .atLeastOnce, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.time = time
        self.qos = qos
        self.retain = retain
    }

    public init(topic: String, text: String) { self.init(topic: topic, payload: Array(text.utf8)) }

    public init(_ message: MQTTMessage) {
        self.init(topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain)
    }

    public var mqttMessage: MQTTMessage { MQTTMessage(topic: topic, payload: payload, qos: qos, retain: retain) }

    /// The payload as text when it is valid UTF-8.
    public var text: String? { String(validating: payload, as: UTF8.self) }

    /// Bytes of the PUBLISH packet that would carry it (what `limit-payload-size` compares, as thin-edge does):
    /// fixed header, remaining-length bytes, topic with its length, packet id above QoS 0, payload.
    public var wireSize: Int {
        let remaining = 2 + topic.utf8.count + (qos == .atMostOnce ? 0 : 2) + payload.count
        var lengthBytes = 1
        var rest = remaining / 128
        while rest > 0 {
            lengthBytes += 1
            rest /= 128
        }
        return 1 + lengthBytes + remaining
    }

    /// `[topic] payload`, as `tedge flows test` and `tedge mqtt sub` print a message.
    public var line: String { "[\(topic)] \(String(decoding: payload, as: UTF8.self))" }
}
