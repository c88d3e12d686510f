/// A cloud's largest accepted message, checked before any parsing (thin-edge's text).
public struct MessageSizeLimit: Sendable, Equatable {
    public let bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    public func check(_ message: MQTTMessage) -> Result<Void, ConversionError> {
        guard message.payload.count <= bytes else {
            return .failure(ConversionError("The input size \(message.payload.count) is too big. The threshold is \(bytes)."))
        }
        return .success(())
    }
}
