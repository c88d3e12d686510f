import TedgeTopics

/// `limit-payload-size`: a message whose PUBLISH packet would exceed `max_size` bytes is an error (or
/// dropped, with `discard`). Without `max_size` everything passes.
struct LimitPayloadSizeStep: FlowStep {
    let source = "limit-payload-size"
    private let maximum: Int?
    private let discard: Bool

    init(config: FlowStepConfig) {
        maximum = config.unsignedInteger("max_size")
        discard = config.bool("discard") ?? false
    }

    func onMessage(_ message: FlowMessage, at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage] {
        guard let maximum, message.wireSize > maximum else { return [message] }
        if discard { return [] }
        throw .unsupportedMessage("Payload is too large >\(maximum)")
    }
}
