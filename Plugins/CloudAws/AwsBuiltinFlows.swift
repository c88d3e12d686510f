import TedgeProviderAPI

/// The flows `tedge-mapper aws` writes to `mappers/aws/flows/` (thin-edge 2.0's `aws_mapper_ext::builtin_flow`):
/// `te/` measurements, events, alarms and health to `<prefix>/td/<entity>/<kind>/<type>` by `set-aws-topic`.
public enum AwsBuiltinFlows {
    /// `mea.toml`, from `aws.mapper.timestamp`, `aws.mapper.timestamp_format`, `aws.mapper.mqtt.max_payload_size`,
    /// `aws.topics` and `aws.bridge.topic_prefix` (thin-edge's defaults).
    public static func measurements(
        version: String, timestamp: Bool = true, timestampFormat: String = "unix", maxPayloadSize: Int = 131_072,
        inputTopics: [String] = BuiltinFlow.teTopics, topicPrefix: String = "aws", errorsTopic: String = "te/errors"
    ) -> BuiltinFlow {
        let prefix = BuiltinFlow.quoted(topicPrefix)
        return .measurementsEventsAlarms(
            version: version, inputTopics: inputTopics, timestamp: timestamp, timestampFormat: timestampFormat,
            maxPayloadSize: maxPayloadSize, cloudSteps: ["{ builtin = \"set-aws-topic\", config = { prefix = \(prefix) } }"],
            outputTopic: nil, errorsTopic: errorsTopic)
    }
}
