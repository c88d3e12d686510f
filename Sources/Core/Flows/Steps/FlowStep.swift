import TedgeTopics

/// One step of a flow: a builtin transformation or a script. Steps transform each message into zero, one
/// or more messages, and may produce messages on their own every `interval` seconds.
protocol FlowStep {
    /// The builtin's name or the script's path, as `tedge flows list` shows it.
    var source: String { get }
    /// Seconds between `onInterval` calls; nil for a step that has none.
    var interval: Double? { get }

    mutating func onMessage(_ message: FlowMessage, at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage]
    mutating func onInterval(at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage]
}

extension FlowStep {
    var interval: Double? { nil }

    mutating func onInterval(at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage] { [] }
}
