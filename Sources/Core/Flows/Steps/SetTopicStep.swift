import TedgeTopics

/// `set-topic`: every message goes on to `topic`.
struct SetTopicStep: FlowStep {
    let source = "set-topic"
    private let topic: String

    init(config: FlowStepConfig) throws(FlowLoadError) {
        guard let topic = config.string("topic") else { throw .incorrectSetting("No topic configured for set-topic step") }
        self.topic = topic
    }

    func onMessage(_ message: FlowMessage, at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage] {
        var message = message
        message.topic = topic
        return [message]
    }
}
