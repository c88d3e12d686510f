/// A store operation that failed, with what the store tried and why (SQLite's message).
public struct DurableStoreError: Error, CustomStringConvertible, Sendable {
    /// "append 12 messages to the message store /var/lib/tedge/az-bridge.db"
    public let operation: String
    public let reason: String

    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "failed to \(operation): \(reason)" }
}
