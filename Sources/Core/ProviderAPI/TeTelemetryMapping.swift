import TedgeTopics

/// How Azure and AWS map the `te/` topics (thin-edge 2.x): the entity store kept current from the registrations
/// (auto-registration published, bad registrations reported), then measurements, events, alarms and health of
/// every entity through the `TelemetryPipeline` to the topic the cloud's `route` names. Other channels (twin,
/// commands, …) are not mapped. Errors go to `<root>/errors` as plain text.
public struct TeTelemetryMapping: Sendable {
    public private(set) var store: EntityStore
    public let pipeline: TelemetryPipeline

    public init(store: EntityStore, pipeline: TelemetryPipeline) {
        self.store = store
        self.pipeline = pipeline
    }

    public var errorTopic: String { store.schema.errorTopic }

    /// Outputs for one input. `route` gives the cloud topic of a message that passed the pipeline (its input topic
    /// and whether its payload is JSON), or nil to drop it; it also decides for topics outside the root (a user's
    /// own in `<cloud>.topics`), which go through the pipeline as thin-edge's flow takes them.
    public mutating func convert(_ message: MQTTMessage, route: (_ topic: String, _ isJSON: Bool) -> String?) -> [MQTTMessage] {
        var outputs: [MQTTMessage] = []
        switch store.receive(message) {
        case .errorReport:
            return []
        case .invalid(let text):
            return [error(text)]
        case .registration(_, .registered(_, let rejected)):
            return rejected.map { error($0.description) }
        case .registration:
            return []
        case .twin(_, _, _, _, let autoRegistration):
            return autoRegistration.messages.map { $0.message(in: store.schema) }
        case .data(_, let channel, let autoRegistration):
            outputs = autoRegistration.messages.map { $0.message(in: store.schema) }
            guard channel.isTelemetry else { return outputs }
        case .other:
            break
        }
        switch pipeline.process(message) {
        case .failure(let failure):
            outputs.append(error(failure.description))
        case .success(let output?):
            if let topic = route(message.topic, output.isJSON) {
                outputs.append(MQTTMessage(topic: topic, payload: output.payload, qos: .atLeastOnce))
            }
        case .success(nil):
            break
        }
        return outputs
    }

    /// An input too large to be received whole: the pipeline's refusal, on `<root>/errors`.
    public func reportOversized(topic: String) -> [MQTTMessage] { [error(pipeline.tooLarge.description)] }

    func error(_ text: String) -> MQTTMessage { MQTTMessage(topic: errorTopic, text: text, qos: .atLeastOnce) }
}
