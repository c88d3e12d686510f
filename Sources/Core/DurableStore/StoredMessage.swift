import TedgeMessaging

/// A message as the store holds it: its place in the queue and when it was appended.
public struct StoredMessage: Equatable, Sendable {
    /// Increases with every message appended to this store file, across restarts.
    public let sequence: Int64
    /// Milliseconds since the Unix epoch.
    public let enqueuedAt: Int64
    public let message: MQTTMessage

    public init(sequence: Int64, enqueuedAt: Int64, message: MQTTMessage) {
        self.sequence = sequence
        self.enqueuedAt = enqueuedAt
        self.message = message
    }

    /// What a message counts against `maxSizeBytes`: its topic's UTF-8 bytes plus its payload.
    public static func size(of message: MQTTMessage) -> Int { message.topic.utf8.count + message.payload.count }
}
