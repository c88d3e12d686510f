import TedgeMessaging
import TedgeThinEdgeJSON

/// Turns one input message into the messages to publish, or into an error for `tedge/errors`.
/// Converters are pure apart from their own state: no I/O, no clock but the one they are given.
public protocol MessageConverter: Sendable {
    /// Messages to publish when the mapper starts (e.g. Cumulocity's supported operations).
    mutating func startupMessages() -> [MQTTMessage]
    mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError>
    /// The largest payload the cloud takes; the mapper does not even receive larger ones whole, and
    /// reports them with this limit. nil when the converter sets none.
    var inputLimit: MessageSizeLimit? { get }
    /// What to publish for an input larger than `inputLimit` (never received whole); nil: the runtime's report of
    /// `inputLimit` on `tedge/errors`. Converters of `te/` topics report those on `<root>/errors` in their own words.
    func reportOversized(topic: String, payloadBytes: Int) -> [MQTTMessage]?
    /// A message the mapper's flows take, before they do: what the converter publishes for it itself (a `te/` entity's
    /// auto-registration, an error), and whether the flows get it. By default: nothing, and they do.
    mutating func beforeFlows(_ message: MQTTMessage) -> FlowAdmission
    /// A flow's output as this cloud publishes it (Azure: JSON on the topic with IoT Hub's property bag); by default
    /// as it is.
    func afterFlows(_ message: MQTTMessage) -> MQTTMessage
}

extension MessageConverter {
    public mutating func startupMessages() -> [MQTTMessage] { [] }
    public var inputLimit: MessageSizeLimit? { nil }
    public func reportOversized(topic: String, payloadBytes: Int) -> [MQTTMessage]? { nil }
    public mutating func beforeFlows(_ message: MQTTMessage) -> FlowAdmission { FlowAdmission(outputs: [], toFlows: true) }
    public func afterFlows(_ message: MQTTMessage) -> MQTTMessage { message }
}
