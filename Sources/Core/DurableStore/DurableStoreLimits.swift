/// How much the store keeps. Past `maxSizeBytes` the oldest messages are dropped to make room for new
/// ones; messages older than `maxAgeSeconds` are dropped as well. Both are counted, never silent.
public struct DurableStoreLimits: Equatable, Sendable {
    /// The bytes of the queued messages (topic plus payload). The file is larger by SQLite's per-row
    /// and per-page overhead and the write-ahead log (see docs/architecture.md).
    public var maxSizeBytes: Int
    /// nil: messages never expire.
    public var maxAgeSeconds: Int?

    public init(maxSizeBytes: Int, maxAgeSeconds: Int? = nil) {
        self.maxSizeBytes = maxSizeBytes
        self.maxAgeSeconds = maxAgeSeconds
    }
}
