/// What happened when the store was opened, for the caller to log: a salvage, limits applied.
public struct StoreOpenReport: Equatable, Sendable {
    /// nil when the file was healthy (or new).
    public let recovery: StoreRecovery?
    /// Messages past `maxAgeSeconds`, or beyond a `maxSizeBytes` lowered since the last run, dropped at open.
    public let drops: StoreDrops
    /// Messages waiting to be sent, after those drops.
    public let queued: MessageTally
}
