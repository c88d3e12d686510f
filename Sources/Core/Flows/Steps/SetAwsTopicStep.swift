import TedgeTopics

/// `set-aws-topic`: a `te/` measurement, event, alarm or health message goes to
/// `<prefix>/td/<source>/<kind>/<type>`, the source being the entity's non-empty topic levels joined by
/// `:` (AWS IoT allows only 7 slashes in a topic). Anything else is dropped.
struct SetAwsTopicStep: FlowStep {
    let source = "set-aws-topic"
    private let prefix: String

    init(config: FlowStepConfig) { prefix = config.string("prefix") ?? "aws" }

    func onMessage(_ message: FlowMessage, at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage] {
        let levels = message.topic.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count == 7 else { return [] }
        let entity = levels[1...4].filter { !$0.isEmpty }.joined(separator: ":")
        let topic: String
        switch (levels[5], levels[6]) {
        case ("m", let type), ("e", let type), ("a", let type): topic = "\(prefix)/td/\(entity)/\(levels[5])/\(type)"
        case ("status", "health"): topic = "\(prefix)/td/\(entity)/status/health"
        default: return []
        }
        return [FlowMessage(topic: topic, payload: message.payload)]
    }
}
