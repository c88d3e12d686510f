import TedgeTOML

/// A flow file a cloud's mapper writes into `mappers/<cloud>/flows/` for the user to read and edit, as
/// thin-edge 2.0 ships its `te/` mapping (the mapper rewrites only files the user has not changed).
public struct BuiltinFlow: Equatable, Sendable {
    /// The file's name without `.toml`.
    public let name: String
    public let text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// A TOML basic string, for a value a provider puts into a step's inline table.
    public static func quoted(_ text: String) -> String { TOMLValue.string(text).tomlText }

    /// `az.topics` / `aws.topics` by default: measurements, events, alarms and health of every entity.
    public static let teTopics = ["te/+/+/+/+/m/+", "te/+/+/+/+/e/+", "te/+/+/+/+/a/+", "te/+/+/+/+/status/health"]

    /// thin-edge's `mea.toml`, the flow of a cloud that takes `te/` measurements, events, alarms and health as
    /// they are: skip mosquitto's `0`/`1` bridge health, add or reformat `time` (only when `timestamp`, in
    /// `timestampFormat`: `unix` or `rfc-3339`), refuse packets over `maxPayloadSize` bytes, then the cloud's
    /// own steps (inline tables, one per line); out on `outputTopic`, or each on the topic its steps set.
    public static func measurementsEventsAlarms(
        version: String, inputTopics: [String] = teTopics, timestamp: Bool, timestampFormat: String, maxPayloadSize: Int,
        cloudSteps: [String] = [], outputTopic: String?, errorsTopic: String = "te/errors"
    ) -> BuiltinFlow {
        let format = timestampFormat == "rfc3339" ? "rfc-3339" : timestampFormat
        let timestampStep =
            timestamp
            ? "{ builtin = \"add-timestamp\", config = { property = \"time\", format = \(quoted(format)), reformat = true } },"
            : ""
        var text = "version = \(quoted(version))\n\n"
        text += "input.mqtt.topics = \(TOMLValue.array(inputTopics.map(TOMLValue.string)).tomlText)\n\n"
        text += "steps = [\n"
        text += "    { builtin = \"skip-mosquitto-health-status\" },\n"
        text += "    \(timestampStep)\n"
        text += "    { builtin = \"limit-payload-size\", config = { max_size = \(maxPayloadSize) } },\n"
        for step in cloudSteps { text += "    \(step),\n" }
        text += "]\n\n"
        if let outputTopic { text += "output.mqtt.topic = \(quoted(outputTopic))\n" }
        text += "errors.mqtt.topic = \(quoted(errorsTopic))\n"
        return BuiltinFlow(name: "mea", text: text)
    }
}
