import TedgeMessaging
import TedgeSQLite

/// The SQL the store runs, each statement prepared once. Policy (limits, syncs, figures) is
/// `DurableStore`'s; this only reads and writes rows.
final class StoreTables {
    let connection: SQLiteConnection
    private let insertRow: SQLiteStatement
    private let headRows: SQLiteStatement
    private let deleteThrough: SQLiteStatement
    private let deleteOne: SQLiteStatement
    private let rowsAfter: SQLiteStatement
    private let firstRow: SQLiteStatement
    private let totalsRow: SQLiteStatement
    private let readStateRow: SQLiteStatement
    private let writeStateRow: SQLiteStatement

    init(_ connection: SQLiteConnection) throws(SQLiteError) {
        self.connection = connection
        insertRow = try connection.prepare(
            "INSERT INTO messages (sequence, enqueued_at, qos, retain, size, checksum, topic, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        headRows = try connection.prepare("SELECT sequence, enqueued_at, size FROM messages ORDER BY sequence")
        deleteThrough = try connection.prepare("DELETE FROM messages WHERE sequence <= ? RETURNING size")
        deleteOne = try connection.prepare("DELETE FROM messages WHERE sequence = ? RETURNING size")
        rowsAfter = try connection.prepare(
            "SELECT sequence, enqueued_at, qos, retain, topic, payload FROM messages WHERE sequence > ? ORDER BY sequence LIMIT ?"
        )
        firstRow = try connection.prepare("SELECT sequence, enqueued_at FROM messages ORDER BY sequence LIMIT 1")
        totalsRow = try connection.prepare("SELECT count(*), coalesce(sum(size), 0), coalesce(max(sequence), 0) FROM messages")
        readStateRow = try connection.prepare("SELECT \(StoreState.columns) FROM state WHERE id = 1")
        writeStateRow = try connection.prepare(
            "UPDATE state SET (\(StoreState.columns)) = (?, ?, ?, ?, ?, ?, ?) WHERE id = 1")
    }

    func insert(sequence: Int64, enqueuedAt: Int64, message: MQTTMessage, size: Int) throws(SQLiteError) {
        try insertRow.bind(
            .integer(sequence), .integer(enqueuedAt), .integer(Int64(message.qos.rawValue)), .integer(message.retain ? 1 : 0),
            .integer(Int64(size)), .integer(MessageChecksum.of(topic: message.topic, payload: message.payload)),
            .text(message.topic), .blob(message.payload))
        try insertRow.run()
    }

    /// Visits rows from the oldest while `body` returns true.
    func forEachHead(_ body: (_ sequence: Int64, _ enqueuedAt: Int64, _ size: Int) -> Bool) throws(SQLiteError) {
        defer { headRows.reset() }
        while try headRows.step() {
            guard body(headRows.integer(at: 0), headRows.integer(at: 1), Int(headRows.integer(at: 2))) else { return }
        }
    }

    /// Deletes every message up to `sequence` (inclusive); what it deleted.
    func delete(through sequence: Int64) throws(SQLiteError) -> MessageTally {
        try deleteThrough.bind(.integer(sequence))
        return try deleted(by: deleteThrough)
    }

    func delete(_ sequence: Int64) throws(SQLiteError) -> MessageTally {
        try deleteOne.bind(.integer(sequence))
        return try deleted(by: deleteOne)
    }

    private func deleted(by statement: SQLiteStatement) throws(SQLiteError) -> MessageTally {
        defer { statement.reset() }
        var tally = MessageTally.zero
        while try statement.step() { tally.add(bytes: Int(statement.integer(at: 0))) }
        return tally
    }

    func messages(after sequence: Int64, limit: Int) throws(SQLiteError) -> [StoredMessage] {
        try rowsAfter.bind(.integer(sequence), .integer(Int64(limit)))
        defer { rowsAfter.reset() }
        var messages: [StoredMessage] = []
        while try rowsAfter.step() {
            let message = MQTTMessage(
                topic: rowsAfter.text(at: 4), payload: rowsAfter.blob(at: 5),
                qos: MQTTQoS(rawValue: Int32(rowsAfter.integer(at: 2))) ?? .atLeastOnce, retain: rowsAfter.integer(at: 3) != 0)
            messages.append(
                StoredMessage(sequence: rowsAfter.integer(at: 0), enqueuedAt: rowsAfter.integer(at: 1), message: message))
        }
        return messages
    }

    /// The oldest message's sequence and enqueue time; nil when the store is empty.
    func first() throws(SQLiteError) -> (sequence: Int64, enqueuedAt: Int64)? {
        defer { firstRow.reset() }
        return try firstRow.step() ? (firstRow.integer(at: 0), firstRow.integer(at: 1)) : nil
    }

    /// Messages and bytes queued, and the highest sequence stored (0 when empty).
    func totals() throws(SQLiteError) -> (queued: MessageTally, lastSequence: Int64) {
        defer { totalsRow.reset() }
        guard try totalsRow.step() else { return (.zero, 0) }
        return (
            MessageTally(messages: Int(totalsRow.integer(at: 0)), bytes: Int(totalsRow.integer(at: 1))), totalsRow.integer(at: 2)
        )
    }

    func readState() throws(SQLiteError) -> StoreState {
        defer { readStateRow.reset() }
        guard try readStateRow.step() else { throw .damagedFile("read the store's state", "the state row is missing") }
        return StoreState(readStateRow)
    }

    func writeState(_ state: StoreState) throws(SQLiteError) {
        try writeStateRow.bind(state.values)
        try writeStateRow.run()
    }
}
