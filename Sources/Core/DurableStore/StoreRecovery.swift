/// What opening a damaged store file did: the file was moved aside and its readable messages copied
/// into a fresh one.
public struct StoreRecovery: Equatable, Sendable {
    /// Where the damaged file is now (`<store>.corrupt-<n>`, with its `-wal` beside it).
    public let damagedFile: String
    /// SQLite's verdict on the file.
    public let reason: String
    /// Messages copied into the fresh store.
    public let recovered: Int
    /// Messages the damaged file should have held but did not yield; nil when the file's bookkeeping was
    /// unreadable too, so the loss cannot be counted.
    public let lost: Int?

    public var description: String {
        let loss = lost.map { "lost \($0)" } ?? "lost an unknown number"
        return
            "the message store was damaged (\(reason)): kept \(recovered) messages, \(loss); the damaged file is \(damagedFile)"
    }
}
