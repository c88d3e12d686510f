/// A cloud's largest accepted message, checked before any parsing (thin-edge's text).
public struct MessageSizeLimit: Sendable, Equatable {
    public let bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    public func check(_ message: MQTTMessage) -> Result<Void, ConversionError> {
        guard message.payload.count <= bytes else { return .failure(tooBig(message.payload.count)) }
        return .success(())
    }

    /// The error for a payload of `size` bytes (the mapper reports inputs too large to receive with it).
    public func tooBig(_ size: Int) -> ConversionError {
        ConversionError("The input size \(size) is too big. The threshold is \(bytes).")
    }
}
