import TedgeMessaging
import TedgeThinEdgeJSON

/// Turns one input message into the messages to publish, or into an error for `tedge/errors`.
/// Converters are pure apart from their own state: no I/O, no clock but the one they are given.
public protocol MessageConverter: Sendable {
    /// Messages to publish when the mapper starts (e.g. Cumulocity's supported operations).
    mutating func startupMessages() -> [MQTTMessage]
    mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError>
}

extension MessageConverter {
    public mutating func startupMessages() -> [MQTTMessage] { [] }
}
