/// The store's figures, for the bridge's metrics message and `tedge bridge status`.
public struct StoreMetrics: Equatable, Sendable {
    public let queued: MessageTally
    /// When the oldest queued message was appended (milliseconds since the epoch); nil when empty.
    public let oldestEnqueuedAt: Int64?
    /// Its age in whole seconds at the time the metrics were read; nil when empty.
    public let oldestAgeSeconds: Int64?
    /// Dropped to keep within `maxSizeBytes` since the store file was created.
    public let dropped: MessageTally
    /// Dropped for being older than `maxAgeSeconds` since the store file was created.
    public let expired: MessageTally
    /// When messages were last removed on the cloud's acknowledgement (milliseconds since the epoch).
    public let lastRemovalAt: Int64?
}
