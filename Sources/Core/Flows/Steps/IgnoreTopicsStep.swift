import TedgeMessaging
import TedgeTopics

/// `ignore-topics`: drops messages whose topic matches one of `topics`.
struct IgnoreTopicsStep: FlowStep {
    let source = "ignore-topics"
    private let filters: [MQTTTopicFilter]

    init(config: FlowStepConfig) throws(FlowLoadError) { filters = try config.topicFilters("topics") ?? [] }

    func onMessage(_ message: FlowMessage, at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage] {
        filters.contains { $0.matches(message.topic) } ? [] : [message]
    }
}
