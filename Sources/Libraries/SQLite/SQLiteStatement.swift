import CTedgeSQLite

/// A prepared statement, finalized in `deinit`. Bind, step through the rows, reset to run it again.
public final class SQLiteStatement {
    private let connection: SQLiteConnection
    private let handle: OpaquePointer
    private let sql: String

    init(connection: SQLiteConnection, handle: OpaquePointer, sql: String) {
        self.connection = connection
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds parameters 1, 2, … in order, after clearing the previous run.
    public func bind(_ values: SQLiteValue...) throws(SQLiteError) { try bind(values) }

    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(handle, index)
            case .integer(let number): result = sqlite3_bind_int64(handle, index, number)
            case .real(let number): result = sqlite3_bind_double(handle, index, number)
            case .text(let text):
                // With the length given, an embedded NUL is kept; withCString's pointer is never null.
                result = text.withCString { tedge_sqlite3_bind_text_copy(handle, index, $0, Int32(text.utf8.count)) }
            case .blob(let bytes):
                // An empty blob needs a non-null pointer, or SQLite stores NULL.
                result = bytes.withUnsafeBytes { buffer in
                    tedge_sqlite3_bind_blob_copy(
                        handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count))
                }
            }
            guard result == SQLITE_OK else { throw connection.failure(result, "bind parameter \(index) of \(sql)") }
        }
    }

    /// The next row: true when one is ready to read, false when done.
    public func step() throws(SQLiteError) -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            sqlite3_reset(handle)
            throw connection.failure(result, "run \(sql)")
        }
    }

    /// Runs a statement that returns no rows.
    public func run() throws(SQLiteError) {
        while try step() {}
    }

    /// Ends the current run (releases its read transaction); bindings stay.
    public func reset() { sqlite3_reset(handle) }

    public func isNull(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func integer(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func text(at column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    public func blob(at column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
