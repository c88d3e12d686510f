/// A number of messages and their bytes (topic plus payload, as the store counts them).
public struct MessageTally: Equatable, Sendable {
    public var messages: Int
    public var bytes: Int

    public init(messages: Int = 0, bytes: Int = 0) {
        self.messages = messages
        self.bytes = bytes
    }

    public static let zero = MessageTally()

    public var isZero: Bool { messages == 0 }

    mutating func add(bytes count: Int) {
        messages += 1
        bytes += count
    }

    static func + (left: MessageTally, right: MessageTally) -> MessageTally {
        MessageTally(messages: left.messages + right.messages, bytes: left.bytes + right.bytes)
    }
}
