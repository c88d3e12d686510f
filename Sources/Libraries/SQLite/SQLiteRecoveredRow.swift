/// One table row found on a page by `SQLiteFileScanner`: its rowid and its record's values, in column
/// order (an `INTEGER PRIMARY KEY` column holds `.null`; its value is the rowid).
public struct SQLiteRecoveredRow: Equatable, Sendable {
    public let rowID: Int64
    public let values: [SQLiteValue]

    public init(rowID: Int64, values: [SQLiteValue]) {
        self.rowID = rowID
        self.values = values
    }
}
