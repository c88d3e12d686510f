import TedgeMessaging
import TedgeSQLite

/// Rebuilds a damaged store: the rows its pages still hold (database file and WAL, read by
/// `SQLiteFileScanner`) are copied into a fresh store file built beside it; then the damaged file is moved
/// aside as `<store>.corrupt-<n>` and the fresh one takes its place. Runs once per damaged file: the
/// next start finds a healthy one, so a damaged file never makes the mapper crash or loop.
enum StoreSalvage {
    static func run(path: String, damage: SQLiteError) throws -> StoreRecovery {
        let fresh = StoreFiles.salvage(of: path)
        StoreFiles.remove(fresh)  // left by a salvage that stopped before it was complete
        let (recovered, lost) = try copyReadableRows(from: path, into: fresh)
        let aside = StoreFiles.asideName(for: path)
        // The WAL first: a fresh database must never meet the damaged one's WAL, which SQLite would replay into it.
        if StoreFiles.exists(StoreFiles.wal(of: path)) {
            try StoreFiles.rename(StoreFiles.wal(of: path), to: StoreFiles.wal(of: aside))
        }
        try StoreFiles.rename(path, to: aside)
        try StoreFiles.rename(fresh, to: path)
        StoreFiles.syncDirectory(of: path)
        return StoreRecovery(damagedFile: aside, reason: damage.message, recovered: recovered, lost: lost)
    }

    /// Copies the current messages of the damaged store into a new store file, committed and closed (so
    /// it is one file, without a WAL). Returns the messages copied and, when the damaged file's state row
    /// was readable, how many it should have held but did not yield.
    private static func copyReadableRows(from damaged: String, into fresh: String) throws -> (recovered: Int, lost: Int?) {
        let connection = try StoreSchema.open(fresh)
        let tables = try StoreTables(connection)
        let insert = try connection.prepare(
            "INSERT OR IGNORE INTO messages (sequence, enqueued_at, qos, retain, size, checksum, topic, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        let scanner = SQLiteFileScanner(databasePath: damaged, walPath: StoreFiles.wal(of: damaged))
        var found: StoreState?
        var failure: SQLiteError?
        return try connection.transaction {
            scanner.forEachRow { row in
                guard failure == nil else { return }
                if let state = StoreState(recovered: row) {
                    found = found.map { $0.merged(with: state) } ?? state
                } else if isMessage(row) {
                    do throws(SQLiteError) {
                        try insert.bind([.integer(row.rowID)] + row.values.dropFirst())
                        try insert.run()
                    } catch {
                        failure = error
                    }
                }
            }
            if let failure { throw failure }
            // Rows of freed pages, and images older than a removal, are messages already gone.
            var state = found ?? StoreState()
            if found != nil { _ = try tables.delete(through: state.removedThrough) }
            let totals = try tables.totals()
            let lost = found.map { state in
                // Every sequence in (removedThrough, appendedThrough] was stored; what is not here is lost.
                max(0, Int(state.appendedThrough - state.removedThrough) - totals.queued.messages)
            }
            state.appendedThrough = max(state.appendedThrough, totals.lastSequence)
            state.removedThrough = try tables.first().map { $0.sequence - 1 } ?? state.appendedThrough
            try tables.writeState(state)
            return (totals.queued.messages, lost)
        }
    }

    /// A row of the `messages` table, consistent with itself: the columns' kinds and ranges, and a
    /// `size` and `checksum` that match its topic and payload.
    private static func isMessage(_ row: SQLiteRecoveredRow) -> Bool {
        let values = row.values
        guard row.rowID > 0, values.count == 8, values[0] == .null,
            case .integer(let enqueuedAt) = values[1], enqueuedAt >= 0,
            case .integer(let qos) = values[2], qos >= 0, qos <= 2,
            case .integer(let retain) = values[3], retain == 0 || retain == 1,
            case .integer(let size) = values[4],
            case .integer(let checksum) = values[5],
            case .text(let topic) = values[6], !topic.isEmpty,
            case .blob(let payload) = values[7]
        else { return false }
        return size == Int64(topic.utf8.count + payload.count) && checksum == MessageChecksum.of(topic: topic, payload: payload)
    }
}
