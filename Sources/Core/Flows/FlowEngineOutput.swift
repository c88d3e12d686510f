/// What the engine produced for one input or tick.
public struct FlowEngineOutput: Equatable, Sendable {
    /// Transformed messages, on the topics they are published on, flow by flow (flows in path order).
    public var messages: [FlowMessage] = []
    /// `Error in <flow file>: …`, each on its flow's errors topic.
    public var errors: [FlowMessage] = []
    /// Flow files loaded, updated, removed or broken (`start` and `reload`).
    public var statuses: [FlowStatus] = []
    /// Lines for the mapper's log: dropped looping messages, scripts' `print`, unpublishable messages.
    public var log: [String] = []

    public init() {}

    /// Everything to publish, errors after messages.
    public var published: [FlowMessage] { messages + errors }
}
