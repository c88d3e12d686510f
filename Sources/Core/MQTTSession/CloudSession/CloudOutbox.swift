/// The durable store as the cloud session sees it (the bridge adapts `DurableStore`; tests use an array).
public protocol CloudOutbox: AnyObject {
    /// Up to `limit` stored messages after `sequence`, oldest first.
    func next(after sequence: Int64, limit: Int) throws -> [CloudOutboxEntry]
    /// Removes every message up to and including `sequence`.
    func remove(upTo sequence: Int64) throws
}
