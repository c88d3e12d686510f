/// What `DurableStore.append` did. Everything it reports was synced to disk with the batch.
public struct StoreAppendOutcome: Equatable, Sendable {
    /// One entry per message of the batch, in order: its sequence number, or nil when it was dropped at
    /// once (larger than `maxSizeBytes` by itself, or pushed out by newer messages of the same batch).
    public let sequences: [Int64?]
    /// `dropped`: the oldest stored messages that made room, and any of this batch that did not fit;
    /// `expired`: stored messages older than `maxAgeSeconds`, removed on the way.
    public let drops: StoreDrops

    public init(sequences: [Int64?], drops: StoreDrops) {
        self.sequences = sequences
        self.drops = drops
    }
}
