import TedgeMessaging
import TedgeSQLite

/// An on-disk FIFO of cloud-bound messages (SQLite, WAL), owned by one poll loop: not thread-safe.
///
/// The contract with the bridge that drives it:
/// - `append(batch)` with every message of one poll iteration: one transaction and one fsync for the
///   batch. When it returns, the batch is on disk; only then may the inputs be acknowledged.
/// - `next(after:limit:)` / `replay(limit:)` hand out stored messages oldest first, for sending in order;
///   after a restart `replay` starts again from everything still stored.
/// - `remove(upTo:)` / `remove(_:)` on the cloud's PUBACK. Removals are not synced on their own (the next
///   append's fsync or a checkpoint carries them): a power cut can undo a removal, and the message is then
///   sent again. A duplicate, never a loss.
/// - Limits: appending past `maxSizeBytes` drops the oldest messages first; messages older than
///   `maxAgeSeconds` are dropped by `append`, `applyLimits` and at open. Every drop is counted in the result
///   and in `metrics`, which survive restarts.
/// - A damaged file is salvaged at open (see `openReport`), never a crash.
public final class DurableStore {
    public let path: String
    public let limits: DurableStoreLimits
    /// What opening found: a salvage of a damaged file, messages dropped by the limits.
    public private(set) var openReport: StoreOpenReport
    private let clock: any WallClock
    private let tables: StoreTables
    private var state: StoreState
    private var queued: MessageTally
    private var oldestEnqueuedAt: Int64?
    /// Whether the connection is at `synchronous = FULL` (appends) or `NORMAL` (removals, expiry).
    private var syncsEveryCommit = true

    /// Opens the store at `path`, creating it if needed, salvaging it if damaged.
    public init(path: String, limits: DurableStoreLimits, clock: any WallClock = SystemWallClock()) throws(DurableStoreError) {
        guard limits.maxSizeBytes > 0, (limits.maxAgeSeconds ?? 1) > 0 else {
            throw DurableStoreError(operation: "open the message store \(path)", reason: "its limits must be positive")
        }
        self.path = path
        self.limits = limits
        self.clock = clock
        let recovery: StoreRecovery?
        do {
            let connection: SQLiteConnection
            (connection, recovery) = try DurableStore.openOrSalvage(path)
            tables = try StoreTables(connection)
            state = try tables.readState()
            let totals = try tables.totals()
            queued = totals.queued
            state.appendedThrough = max(state.appendedThrough, totals.lastSequence)
            oldestEnqueuedAt = try tables.first()?.enqueuedAt
        } catch let error as DurableStoreError {
            throw error
        } catch {
            let reason = (error as? SQLiteError).map { $0.isLocked ? "it is in use by another process" : $0.message }
            throw DurableStoreError(operation: "open the message store \(path)", reason: reason ?? "\(error)")
        }
        openReport = StoreOpenReport(recovery: recovery, drops: .none, queued: queued)
        let drops = try applyLimits()
        openReport = StoreOpenReport(recovery: recovery, drops: drops, queued: queued)
    }

    /// The checked connection to the store file; a damaged file is salvaged first.
    private static func openOrSalvage(_ path: String) throws -> (SQLiteConnection, StoreRecovery?) {
        try StoreFiles.finishInterruptedSalvage(path)
        let created = !StoreFiles.exists(path)
        do {
            let connection = try StoreSchema.open(path)
            if created { StoreFiles.syncDirectory(of: path) }
            return (connection, nil)
        } catch let damage where damage.isDamagedFile {
            let recovery = try StoreSalvage.run(path: path, damage: damage)
            return (try StoreSchema.open(path), recovery)
        }
    }

    // MARK: - Appending

    /// Stores the batch in one transaction, synced to disk before it returns. Makes room by dropping the
    /// oldest messages when the batch would exceed `maxSizeBytes`, and drops expired ones on the way.
    public func append(_ batch: [MQTTMessage]) throws(DurableStoreError) -> StoreAppendOutcome {
        guard !batch.isEmpty else { return StoreAppendOutcome(sequences: [], drops: .none) }
        let now = clock.millisecondsSinceEpoch
        let sizes = batch.map(StoredMessage.size(of:))
        // A message larger than the whole store is refused by itself, rather than emptying the store for nothing.
        var kept = sizes.map { $0 <= limits.maxSizeBytes }
        var refused = MessageTally.zero
        var incoming = 0
        for index in sizes.indices {
            if kept[index] { incoming += sizes[index] } else { refused.add(bytes: sizes[index]) }
        }
        let (outcome, updated, oldest, nowQueued) = try attempt("append \(batch.count) messages to") {
            () throws -> (StoreAppendOutcome, StoreState, Int64?, MessageTally) in
            try useFullSync(true)
            return try tables.connection.transaction {
                let head = try planHeadDrops(now: now, incoming: incoming)
                // Still too big with the stored messages gone: the batch's own oldest go too.
                let remaining = queued.bytes - head.dropped.bytes - head.expired.bytes
                for index in sizes.indices where kept[index] && remaining + incoming > limits.maxSizeBytes {
                    kept[index] = false
                    incoming -= sizes[index]
                    refused.add(bytes: sizes[index])
                }
                if let through = head.through { _ = try tables.delete(through: through) }
                var next = state.appendedThrough
                var sequences: [Int64?] = []
                sequences.reserveCapacity(batch.count)
                for (index, message) in batch.enumerated() {
                    guard kept[index] else {
                        sequences.append(nil)
                        continue
                    }
                    next += 1
                    try tables.insert(sequence: next, enqueuedAt: now, message: message, size: sizes[index])
                    sequences.append(next)
                }
                var updated = state
                updated.appendedThrough = next
                updated.dropped = state.dropped + head.dropped + refused
                updated.expired = state.expired + head.expired
                if head.through != nil { updated.removedThrough = try removedThrough(lastAppended: next) }
                try tables.writeState(updated)
                let oldest = head.through == nil && oldestEnqueuedAt != nil ? oldestEnqueuedAt : try tables.first()?.enqueuedAt
                let stored = Int(next - state.appendedThrough)
                let nowQueued = MessageTally(
                    messages: queued.messages - head.dropped.messages - head.expired.messages + stored,
                    bytes: remaining + incoming)
                let drops = StoreDrops(dropped: head.dropped + refused, expired: head.expired)
                return (StoreAppendOutcome(sequences: sequences, drops: drops), updated, oldest, nowQueued)
            }
        }
        queued = nowQueued
        state = updated
        oldestEnqueuedAt = oldest
        return outcome
    }

    /// The head rows to delete so that `incoming` more bytes fit and nothing stored is older than
    /// `maxAgeSeconds`: expired ones, then the oldest, always a prefix of the queue.
    private func planHeadDrops(now: Int64, incoming: Int) throws -> (
        through: Int64?, dropped: MessageTally, expired: MessageTally
    ) {
        let cutoff = limits.maxAgeSeconds.map { now - Int64($0) * 1000 }
        let anyExpired = cutoff.map { cutoff in oldestEnqueuedAt.map { $0 < cutoff } ?? false } ?? false
        guard anyExpired || queued.bytes + incoming > limits.maxSizeBytes else { return (nil, .zero, .zero) }
        var through: Int64?
        var dropped = MessageTally.zero
        var expired = MessageTally.zero
        var remaining = queued.bytes
        try tables.forEachHead { sequence, enqueuedAt, size in
            if let cutoff, enqueuedAt < cutoff {
                expired.add(bytes: size)
            } else if remaining + incoming > limits.maxSizeBytes {
                dropped.add(bytes: size)
            } else {
                return false
            }
            remaining -= size
            through = sequence
            return true
        }
        return (through, dropped, expired)
    }

    // MARK: - Reading

    /// Up to `limit` stored messages after `sequence`, oldest first.
    public func next(after sequence: Int64, limit: Int) throws(DurableStoreError) -> [StoredMessage] {
        try attempt("read messages from") { try tables.messages(after: sequence, limit: max(0, limit)) }
    }

    /// The oldest `limit` stored messages (all by default): where sending starts after a restart; continue
    /// with `next(after:limit:)` from the last one.
    public func replay(limit: Int = Int.max) throws(DurableStoreError) -> [StoredMessage] {
        try next(after: 0, limit: limit)
    }

    /// Figures for the bridge's metrics message, read from memory (no I/O).
    public var metrics: StoreMetrics {
        let now = clock.millisecondsSinceEpoch
        return StoreMetrics(
            queued: queued, oldestEnqueuedAt: oldestEnqueuedAt,
            oldestAgeSeconds: oldestEnqueuedAt.map { max(0, (now - $0) / 1000) },
            dropped: state.dropped, expired: state.expired, lastRemovalAt: state.lastRemovalAt == 0 ? nil : state.lastRemovalAt)
    }

    // MARK: - Removing

    /// Removes every stored message up to `sequence` (inclusive): the cloud acknowledged them. Not synced.
    @discardableResult
    public func remove(upTo sequence: Int64) throws(DurableStoreError) -> MessageTally {
        try removeRows("remove messages up to \(sequence) from", anyStored: sequence > state.removedThrough) {
            try tables.delete(through: sequence)
        }
    }

    /// Removes these stored messages (any order; unknown ones are ignored). Not synced.
    @discardableResult
    public func remove(_ sequences: [Int64]) throws(DurableStoreError) -> MessageTally {
        let candidates = sequences.filter { $0 > state.removedThrough }
        return try removeRows("remove \(sequences.count) messages from", anyStored: !candidates.isEmpty) {
            var removed = MessageTally.zero
            for sequence in candidates { removed = removed + (try tables.delete(sequence)) }
            return removed
        }
    }

    @discardableResult
    public func remove(_ sequence: Int64) throws(DurableStoreError) -> MessageTally { try remove([sequence]) }

    private func removeRows(
        _ operation: String, anyStored: Bool, _ delete: () throws -> MessageTally
    ) throws(DurableStoreError) -> MessageTally {
        let now = clock.millisecondsSinceEpoch
        guard anyStored else {
            state.lastRemovalAt = now  // an acknowledgement all the same; persisted with the next write
            return .zero
        }
        let (removed, updated, oldest) = try attempt(operation) { () throws -> (MessageTally, StoreState, Int64?) in
            try useFullSync(false)
            return try tables.connection.transaction {
                let removed = try delete()
                var updated = state
                updated.lastRemovalAt = now
                updated.removedThrough = try removedThrough(lastAppended: state.appendedThrough)
                try tables.writeState(updated)
                return (removed, updated, try tables.first()?.enqueuedAt)
            }
        }
        queued = MessageTally(messages: queued.messages - removed.messages, bytes: queued.bytes - removed.bytes)
        state = updated
        oldestEnqueuedAt = oldest
        return removed
    }

    // MARK: - Limits

    /// Drops what is older than `maxAgeSeconds` (and what exceeds a `maxSizeBytes` lowered since the file
    /// was written); call it periodically. Not synced: a drop undone by a power cut is done again.
    public func applyLimits() throws(DurableStoreError) -> StoreDrops {
        let (drops, updated, oldest) = try attempt("apply the limits of") { () throws -> (StoreDrops, StoreState, Int64?) in
            let head = try planHeadDrops(now: clock.millisecondsSinceEpoch, incoming: 0)
            guard let through = head.through else { return (.none, state, oldestEnqueuedAt) }
            try useFullSync(false)
            return try tables.connection.transaction {
                _ = try tables.delete(through: through)
                var updated = state
                updated.dropped = state.dropped + head.dropped
                updated.expired = state.expired + head.expired
                updated.removedThrough = try removedThrough(lastAppended: state.appendedThrough)
                try tables.writeState(updated)
                return (StoreDrops(dropped: head.dropped, expired: head.expired), updated, try tables.first()?.enqueuedAt)
            }
        }
        let gone = drops.dropped + drops.expired
        queued = MessageTally(messages: queued.messages - gone.messages, bytes: queued.bytes - gone.bytes)
        state = updated
        oldestEnqueuedAt = oldest
        return drops
    }

    // MARK: - Helpers

    /// After a deletion: everything before the oldest stored message is gone, or everything when none is.
    private func removedThrough(lastAppended: Int64) throws -> Int64 {
        try tables.first().map { $0.sequence - 1 } ?? lastAppended
    }

    private func useFullSync(_ full: Bool) throws {
        guard full != syncsEveryCommit else { return }
        try tables.connection.execute(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        syncsEveryCommit = full
    }

    private func attempt<Result>(_ operation: String, _ body: () throws -> Result) throws(DurableStoreError) -> Result {
        do {
            return try body()
        } catch {
            let reason = (error as? SQLiteError)?.message ?? "\(error)"
            throw DurableStoreError(operation: "\(operation) the message store \(path)", reason: reason)
        }
    }
}
