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
}

extension MessageConverter {
    public mutating func startupMessages() -> [MQTTMessage] { [] }
    public var inputLimit: MessageSizeLimit? { nil }
    public func reportOversized(topic: String, payloadBytes: Int) -> [MQTTMessage]? { nil }
}
