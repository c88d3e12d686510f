import TedgeTopics

/// The steps thin-edge 2.x's builtin `mea` flow applies before Azure and AWS: drop mosquitto's bridge
/// notifications (`0`/`1` on a `…/status/health`), add or reformat `time` in a JSON object (`*.mapper.timestamp`,
/// `*.mapper.timestamp_format`; such an object is re-serialised with sorted keys, as serde_json prints a map),
/// and refuse what would exceed `*.mapper.mqtt.max_payload_size` as an MQTT packet. Anything that is not a JSON
/// object passes unchanged.
public struct TelemetryPipeline: Sendable {
    public var addTimestamp: Bool
    public var timeFormat: TimeFormat
    /// The largest MQTT PUBLISH packet (fixed header, topic, packet id, payload) the cloud takes.
    public var maxPacketSize: Int
    public var clock: @Sendable () -> UnixTime

    public init(
        addTimestamp: Bool, timeFormat: TimeFormat, maxPacketSize: Int, clock: @escaping @Sendable () -> UnixTime = { .now() }
    ) {
        self.addTimestamp = addTimestamp
        self.timeFormat = timeFormat
        self.maxPacketSize = maxPacketSize
        self.clock = clock
    }

    /// A payload after the steps, and whether it is JSON (so the cloud may be told so).
    public struct Output: Equatable, Sendable {
        public var payload: [UInt8]
        public var isJSON: Bool
    }

    /// nil when the message is dropped; a failure carries thin-edge's text for `<root>/errors`.
    public func process(_ message: MQTTMessage) -> Result<Output?, ConversionError> {
        if ServiceHealth.isBridgeNotification(message) { return .success(nil) }
        var output = Output(payload: message.payload, isJSON: false)
        if case .success(let document) = JSONText.parse(message.payload) {
            output.isJSON = true
            if addTimestamp, case .object(var members) = document {
                let stamp: JSONValue?
                if let index = members.firstIndex(where: { $0.key == "time" }) {
                    stamp = timeFormat.reformat(members[index].value)
                    members.remove(at: index)
                } else {
                    stamp = timeFormat.json(clock())
                }
                guard let stamp else {
                    return .failure(Self.unprocessable("Failed to format message timestamp as \(timeFormat)"))
                }
                members.append(("time", stamp))
                output.payload = Array(JSONText.serializeSortingKeys(.object(members)).utf8)
            }
        }
        let size = Self.packetSize(topic: message.topic, qos: message.qos, payloadBytes: output.payload.count)
        guard size <= maxPacketSize else { return .failure(tooLarge) }
        return .success(output)
    }

    /// thin-edge's text for a message over the limit.
    public var tooLarge: ConversionError { Self.unprocessable("Payload is too large >\(maxPacketSize)") }

    /// thin-edge's `FlowError::UnsupportedMessage` (the builtin flow's file name, which thin-edge puts first, is not ours).
    static func unprocessable(_ reason: String) -> ConversionError { ConversionError("Input message cannot be processed: \(reason)") }

    /// An MQTT 3.1.1 PUBLISH's size on the wire.
    public static func packetSize(topic: String, qos: MQTTQoS, payloadBytes: Int) -> Int {
        let remaining = 2 + topic.utf8.count + (qos == .atMostOnce ? 0 : 2) + payloadBytes
        var lengthBytes = 1
        var rest = remaining / 128
        while rest > 0 {
            lengthBytes += 1
            rest /= 128
        }
        return 1 + lengthBytes + remaining
    }
}
