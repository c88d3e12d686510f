import TedgeProviderAPI

/// The flows `tedge-mapper az` writes to `mappers/az/flows/` (thin-edge 2.0's `az_mapper_ext::builtin_flow`):
/// `te/` measurements, events, alarms and health to `<prefix>/messages/events/`.
public enum AzureBuiltinFlows {
    /// `mea.toml`, from `az.mapper.timestamp`, `az.mapper.timestamp_format`, `az.mapper.mqtt.max_payload_size`,
    /// `az.topics` and `az.bridge.topic_prefix` (thin-edge's defaults).
    public static func measurements(
        version: String, timestamp: Bool = true, timestampFormat: String = "unix", maxPayloadSize: Int = 262_144,
        inputTopics: [String] = BuiltinFlow.teTopics, topicPrefix: String = "az", errorsTopic: String = "te/errors"
    ) -> BuiltinFlow {
        .measurementsEventsAlarms(
            version: version, inputTopics: inputTopics, timestamp: timestamp, timestampFormat: timestampFormat,
            maxPayloadSize: maxPayloadSize, outputTopic: "\(topicPrefix)/messages/events/", errorsTopic: errorsTopic)
    }
}
