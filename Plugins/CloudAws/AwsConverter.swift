import TedgeProviderAPI

/// Thin Edge JSON to AWS: `tedge/measurements[/<child>]` to `aws/td[/<child>]/measurements`; and the `te/` topics
/// as thin-edge 2.x maps them: `<prefix>/td/<source>/{m|e|a}/<type>` and `<prefix>/td/<source>/status/health`, the
/// source being the entity id's non-empty segments joined by `:` (AWS IoT allows 7 slashes in a topic).
public struct AwsConverter: MessageConverter {
    /// AWS IoT Core's 128 KiB message limit.
    public static let sizeThreshold = 128 * 1024
    /// `aws.mapper.mqtt.max_payload_size`'s default (thin-edge's `AWS_MQTT_PAYLOAD_LIMIT`).
    public static let maxPayloadSize = 131_072
    public var inputLimit: MessageSizeLimit? { MessageSizeLimit(bytes: max(Self.sizeThreshold, te.pipeline.maxPacketSize)) }

    public let addTimestamp: Bool
    public let clock: @Sendable () -> Timestamp
    /// `aws.bridge.topic_prefix`.
    public let topicPrefix: String
    public private(set) var te: TeTelemetryMapping

    public init(
        addTimestamp: Bool, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }, topicPrefix: String = "aws",
        te: TeTelemetryMapping? = nil
    ) {
        self.addTimestamp = addTimestamp
        self.clock = clock
        self.topicPrefix = topicPrefix
        self.te =
            te
            ?? TeTelemetryMapping(
                store: EntityStore(),
                pipeline: TelemetryPipeline(addTimestamp: addTimestamp, timeFormat: .unix, maxPacketSize: Self.maxPayloadSize))
    }

    public mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
        guard MeasurementTopic.isLegacy(message.topic) else {
            let prefix = topicPrefix
            return .success(te.convert(message) { topic, _ in Self.cloudTopic(for: topic, prefix: prefix) })
        }
        if case .failure(let error) = MessageSizeLimit(bytes: Self.sizeThreshold).check(message) { return .failure(error) }
        let topic: String
        switch MeasurementTopic.childID(of: message.topic) {
        case .failure(let error): return .failure(error)
        case .success(let child?): topic = "\(topicPrefix)/td/\(child)/measurements"
        case .success(nil): topic = "\(topicPrefix)/td/measurements"
        }
        switch ThinEdgeJSON.parse(message.payload) {
        case .failure(let error): return .failure(ConversionError(error.description))
        case .success(let measurement):
            let text = ThinEdgeJSONSerializer.serialize(measurement, addTime: addTimestamp ? clock() : nil)
            return .success([MQTTMessage(topic: topic, text: text, qos: .atLeastOnce)])
        }
    }

    public func reportOversized(topic: String, payloadBytes: Int) -> [MQTTMessage]? {
        MeasurementTopic.isLegacy(topic) ? nil : te.reportOversized(topic: topic)
    }

    /// The `te/` entity store sees the message first (auto-registration, errors); telemetry goes on to `mea.toml`.
    public mutating func beforeFlows(_ message: MQTTMessage) -> FlowAdmission { te.admit(message) }

    /// `mea.toml`'s output, not retained, as the `te/` mapping publishes it.
    public func afterFlows(_ message: MQTTMessage) -> MQTTMessage {
        var output = message
        output.retain = false
        return output
    }

    /// `<prefix>/td/<source>/m/<type>` (and `e`, `a`, `status/health`) for a topic of 7 levels; nil for others.
    public static func cloudTopic(for topic: String, prefix: String) -> String? {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count == 7 else { return nil }
        let source = levels[1...4].filter { !$0.isEmpty }.joined(separator: ":")
        switch (levels[5], levels[6]) {
        case ("m", let type), ("e", let type), ("a", let type): return "\(prefix)/td/\(source)/\(levels[5])/\(type)"
        case ("status", "health"): return "\(prefix)/td/\(source)/status/health"
        default: return nil
        }
    }
}
