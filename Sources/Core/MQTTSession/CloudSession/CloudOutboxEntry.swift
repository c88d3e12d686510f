import TedgeMessaging

/// A stored cloud-bound message as the cloud session sees it: its place in the durable store and the message.
public struct CloudOutboxEntry: Equatable, Sendable {
    public var sequence: Int64
    public var message: MQTTMessage

    public init(sequence: Int64, message: MQTTMessage) {
        self.sequence = sequence
        self.message = message
    }
}
