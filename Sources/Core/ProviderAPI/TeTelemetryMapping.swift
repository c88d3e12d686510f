import TedgeTopics

/// How Azure and AWS map the `te/` topics (thin-edge 2.x): the entity store kept current from the registrations
/// (auto-registration published, bad registrations reported), then measurements, events, alarms and health of
/// every entity through the `TelemetryPipeline` to the topic the cloud's `route` names. Other channels (twin,
/// commands, …) are not mapped. Errors go to `<root>/errors` as plain text. With `telemetryByFlows` the mapper's
/// builtin flows map the telemetry (thin-edge 2.0's `mea.toml`) and this mapping keeps the entity store only.
public struct TeTelemetryMapping: Sendable {
    public private(set) var store: EntityStore
    /// The steps; with `telemetryByFlows`, only its size limit is used (for inputs too large to be received whole).
    public let pipeline: TelemetryPipeline
    /// Measurements, events, alarms and health are the flows' (`admit`), never the pipeline's.
    public let telemetryByFlows: Bool

    public init(store: EntityStore, pipeline: TelemetryPipeline, telemetryByFlows: Bool = false) {
        self.store = store
        self.pipeline = pipeline
        self.telemetryByFlows = telemetryByFlows
    }

    public var errorTopic: String { store.schema.errorTopic }

    /// Outputs for one input. `route` gives the cloud topic of a message that passed the pipeline (its input topic
    /// and whether its payload is JSON), or nil to drop it; it also decides for topics outside the root (a user's
    /// own in `<cloud>.topics`), which go through the pipeline as thin-edge's flow takes them.
    public mutating func convert(_ message: MQTTMessage, route: (_ topic: String, _ isJSON: Bool) -> String?) -> [MQTTMessage] {
        var admission = admit(message)
        guard admission.toFlows, !telemetryByFlows else { return admission.outputs }
        switch pipeline.process(message) {
        case .failure(let failure):
            admission.outputs.append(error(failure.description))
        case .success(let output?):
            if let topic = route(message.topic, output.isJSON) {
                admission.outputs.append(MQTTMessage(topic: topic, payload: output.payload, qos: .atLeastOnce))
            }
        case .success(nil):
            break
        }
        return admission.outputs
    }

    /// The entity store's part of one input: what it publishes (auto-registrations, errors) and whether the input is
    /// telemetry to map (measurements, events, alarms, health, or a topic outside the root a user subscribed to).
    public mutating func admit(_ message: MQTTMessage) -> FlowAdmission {
        switch store.receive(message) {
        case .errorReport:
            return FlowAdmission(outputs: [], toFlows: false)
        case .invalid(let text):
            return FlowAdmission(outputs: [error(text)], toFlows: false)
        case .registration(_, .registered(_, let rejected)):
            return FlowAdmission(outputs: rejected.map { error($0.description) }, toFlows: false)
        case .registration:
            return FlowAdmission(outputs: [], toFlows: false)
        case .twin(_, _, _, _, let autoRegistration):
            return FlowAdmission(outputs: autoRegistration.messages.map { $0.message(in: store.schema) }, toFlows: false)
        case .data(_, let channel, let autoRegistration):
            let registrations = autoRegistration.messages.map { $0.message(in: store.schema) }
            return FlowAdmission(outputs: registrations, toFlows: channel.isTelemetry)
        case .other:
            return FlowAdmission(outputs: [], toFlows: true)
        }
    }

    /// An input too large to be received whole: the pipeline's refusal, on `<root>/errors`.
    public func reportOversized(topic: String) -> [MQTTMessage] { [error(pipeline.tooLarge.description)] }

    func error(_ text: String) -> MQTTMessage { MQTTMessage(topic: errorTopic, text: text, qos: .atLeastOnce) }
}
