import TedgeMessaging
import TedgeThinEdgeJSON
import TedgeTopics

/// `update-context`: a message on one of `topics` (default `#`) is stored in the mapper context under its
/// topic, as JSON (an empty payload removes the key), and goes no further; other messages pass.
struct UpdateContextStep: FlowStep {
    let source = "update-context"
    private let filters: [MQTTTopicFilter]

    init(config: FlowStepConfig) throws(FlowLoadError) { filters = try config.topicFilters("topics") ?? [MQTTTopicFilter("#")!] }

    func onMessage(_ message: FlowMessage, at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage] {
        guard filters.contains(where: { $0.matches(message.topic) }) else { return [message] }
        if message.payload.isEmpty {
            context.set(message.topic, nil)
            return []
        }
        guard case .success(let value) = JSONText.parse(message.payload) else {
            throw .unsupportedMessage("Failed to update the context: not a JSON payload")
        }
        context.set(message.topic, value)
        return []
    }
}
