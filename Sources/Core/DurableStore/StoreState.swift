import TedgeSQLite

/// The store's bookkeeping row (table `state`, one row): survives restarts, and a salvage reads it back
/// from the damaged file to tell current messages from removed ones and to count what was lost.
struct StoreState: Equatable {
    /// The last sequence number handed out; the next message gets the one after.
    var appendedThrough: Int64 = 0
    /// Every message up to this sequence is gone (acknowledged, dropped or expired).
    var removedThrough: Int64 = 0
    var dropped = MessageTally.zero
    var expired = MessageTally.zero
    /// Milliseconds since the epoch; 0: never.
    var lastRemovalAt: Int64 = 0

    static let columns =
        "appended_through, removed_through, dropped_messages, dropped_bytes, expired_messages, expired_bytes, last_removal_at"

    init() {}

    /// The row as `SELECT <columns>` returns it.
    init(_ statement: SQLiteStatement) {
        appendedThrough = statement.integer(at: 0)
        removedThrough = statement.integer(at: 1)
        dropped = MessageTally(messages: Int(statement.integer(at: 2)), bytes: Int(statement.integer(at: 3)))
        expired = MessageTally(messages: Int(statement.integer(at: 4)), bytes: Int(statement.integer(at: 5)))
        lastRemovalAt = statement.integer(at: 6)
    }

    /// The row as a page of a damaged file holds it: rowid 1, the `id` column (NULL: it is the rowid),
    /// then the seven integers.
    init?(recovered row: SQLiteRecoveredRow) {
        guard row.rowID == 1, row.values.count == 8, row.values[0] == .null else { return nil }
        var numbers: [Int64] = []
        for value in row.values.dropFirst() {
            guard case .integer(let number) = value, number >= 0 else { return nil }
            numbers.append(number)
        }
        appendedThrough = numbers[0]
        removedThrough = numbers[1]
        dropped = MessageTally(messages: Int(numbers[2]), bytes: Int(numbers[3]))
        expired = MessageTally(messages: Int(numbers[4]), bytes: Int(numbers[5]))
        lastRemovalAt = numbers[6]
    }

    var values: [SQLiteValue] {
        [
            .integer(appendedThrough), .integer(removedThrough), .integer(Int64(dropped.messages)),
            .integer(Int64(dropped.bytes)), .integer(Int64(expired.messages)), .integer(Int64(expired.bytes)),
            .integer(lastRemovalAt),
        ]
    }

    /// Every field only grows, so of several images of the row (a page and its newer WAL frames) the
    /// largest value of each field is the latest.
    func merged(with other: StoreState) -> StoreState {
        var merged = StoreState()
        merged.appendedThrough = max(appendedThrough, other.appendedThrough)
        merged.removedThrough = max(removedThrough, other.removedThrough)
        merged.dropped = MessageTally(
            messages: max(dropped.messages, other.dropped.messages), bytes: max(dropped.bytes, other.dropped.bytes))
        merged.expired = MessageTally(
            messages: max(expired.messages, other.expired.messages), bytes: max(expired.bytes, other.expired.bytes))
        merged.lastRemovalAt = max(lastRemovalAt, other.lastRemovalAt)
        return merged
    }
}
