import TedgeProviderAPI

/// Azure IoT Hub device-to-cloud messages: Thin Edge JSON on the legacy `tedge/measurements`, and the `te/`
/// topics as thin-edge 2.x maps them (measurements, events, alarms and health of every entity, unchanged but for
/// `time`, all on `az/messages/events/`).
public struct AzureConverter: MessageConverter {
    /// Azure's 256 KiB message limit, less 1 KiB of headroom (thin-edge 0.5's figure, for `tedge/measurements`).
    public static let sizeThreshold = 255 * 1024
    /// `az.mapper.mqtt.max_payload_size`'s default: the MQTT packet limit for `te/` messages (thin-edge 2.x).
    public static let maxPayloadSize = 262_144
    public static let outputTopic = "az/messages/events/"
    /// IoT Hub routes on the message body only when it is told the body is UTF-8 JSON: content type and
    /// encoding as system properties in the topic's property bag (URL-encoded, `$.ct` and `$.ce`).
    public static let propertiesTopic = "az/messages/events/$.ct=application%2Fjson&$.ce=utf-8"

    public let addTimestamp: Bool
    /// Publish JSON on `propertiesTopic` rather than the bare `outputTopic` (`az.mapper.message_properties`).
    public let messageProperties: Bool
    public let sizeThreshold: Int
    /// Inputs up to the larger of both limits are received whole; each path checks its own.
    public var inputLimit: MessageSizeLimit? { MessageSizeLimit(bytes: max(sizeThreshold, te.pipeline.maxPacketSize)) }
    public let clock: @Sendable () -> Timestamp
    /// The `te/` topics: the entity store and thin-edge 2.x's steps.
    public private(set) var te: TeTelemetryMapping

    public init(
        addTimestamp: Bool, messageProperties: Bool = true, sizeThreshold: Int = AzureConverter.sizeThreshold,
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }, te: TeTelemetryMapping? = nil
    ) {
        self.addTimestamp = addTimestamp
        self.messageProperties = messageProperties
        self.sizeThreshold = sizeThreshold
        self.clock = clock
        self.te =
            te
            ?? TeTelemetryMapping(
                store: EntityStore(),
                pipeline: TelemetryPipeline(addTimestamp: addTimestamp, timeFormat: .unix, maxPacketSize: Self.maxPayloadSize))
    }

    public mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
        guard MeasurementTopic.isLegacy(message.topic) else {
            // JSON gets the message properties; anything else passes as it came, so it is not marked JSON.
            let properties = messageProperties
            return .success(te.convert(message) { _, isJSON in properties && isJSON ? Self.propertiesTopic : Self.outputTopic })
        }
        if case .failure(let error) = MessageSizeLimit(bytes: sizeThreshold).check(message) { return .failure(error) }
        switch ThinEdgeJSON.parse(message.payload) {
        case .failure(let error):
            return .failure(ConversionError(error.description))
        case .success(let measurement):
            let text = ThinEdgeJSONSerializer.serialize(measurement, addTime: addTimestamp ? clock() : nil)
            let topic = messageProperties ? Self.propertiesTopic : Self.outputTopic
            return .success([MQTTMessage(topic: topic, text: text, qos: .atLeastOnce)])
        }
    }

    public func reportOversized(topic: String, payloadBytes: Int) -> [MQTTMessage]? {
        MeasurementTopic.isLegacy(topic) ? nil : te.reportOversized(topic: topic)
    }

    /// The `te/` entity store sees the message first (auto-registration, errors); telemetry goes on to `mea.toml`.
    public mutating func beforeFlows(_ message: MQTTMessage) -> FlowAdmission { te.admit(message) }

    /// `mea.toml`'s output as the `te/` mapping publishes it: JSON on the bare events topic gets the property bag (with
    /// `az.mapper.message_properties`), anything else stays on the topic the flow gave it; none retained (a retained
    /// alarm or health would be sent to the hub again each time the bridge subscribes).
    public func afterFlows(_ message: MQTTMessage) -> MQTTMessage {
        var output = message
        output.retain = false
        if messageProperties, message.topic == Self.outputTopic, case .success = JSONText.parse(message.payload) {
            output.topic = Self.propertiesTopic
        }
        return output
    }
}
