import TedgeTOML

/// `[connection_check]` in `mapper.toml` (ours; thin-edge ignores the table): what `tedge connect <name>` publishes
/// on the local broker for the cloud to answer through the bridge, where the answer comes, what it must contain,
/// how long to wait and how many times to try.
///
///     [connection_check]
///     topic = "tb/v1/devices/me/attributes/request/1"
///     payload = '{"sharedKeys":"tedge"}'
///     response_topic = "tb/v1/devices/me/attributes/response/1"
///     response_contains = "shared"     # optional: any answer on response_topic is success without it
///     timeout = "10s"                  # per attempt
///     attempts = 1
struct ConnectionCheckDefinition: Sendable {
    var topic: String
    var payload: String
    var responseTopic: String
    var responseContains: String?
    var timeoutSeconds: Int
    var attempts: Int
    var troubleshooting: String?

    static let fields = ["topic", "payload", "response_topic", "response_contains", "timeout", "attempts", "troubleshooting"]
    static let rule = "the connection check says what to publish and where the answer comes"

    /// Nil, with the problems recorded, when `topic` or `response_topic` is missing.
    init?(parsing table: TOMLTable, line: Int?, reader: inout DefinitionReader) {
        reader.refuseUnknownFields(table, allowed: Self.fields, within: "[connection_check]", rule: Self.rule)
        let topic = reader.string(table, "topic", within: "connection_check")
        let responseTopic = reader.string(table, "response_topic", within: "connection_check")
        payload = reader.string(table, "payload", within: "connection_check") ?? ""
        responseContains = reader.string(table, "response_contains", within: "connection_check")
        timeoutSeconds = reader.seconds(table, "timeout", within: "connection_check") ?? 10
        attempts = reader.integer(table, "attempts", within: "connection_check") ?? 1
        troubleshooting = reader.string(table, "troubleshooting", within: "connection_check")
        if attempts < 1 {
            reader.problem(
                DefinitionReader.typeRule, "`connection_check.attempts` must be at least 1, not \(attempts)",
                line: table.lines["attempts"])
            attempts = 1
        }
        for (name, value) in [("topic", topic), ("response_topic", responseTopic)] where value?.isEmpty ?? true {
            reader.problem(Self.rule, "`connection_check.\(name)` is missing", line: table.lines[name] ?? line)
        }
        guard let topic, let responseTopic, !topic.isEmpty, !responseTopic.isEmpty else { return nil }
        self.topic = topic
        self.responseTopic = responseTopic
    }
}
