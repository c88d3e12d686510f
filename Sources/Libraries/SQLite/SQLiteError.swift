import CTedgeSQLite

/// A failed SQLite call: what we tried, SQLite's result code and its own message for it.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    /// The extended result code (`SQLITE_IOERR_FSYNC` rather than `SQLITE_IOERR`).
    public let code: Int32
    public let message: String

    public init(operation: String, code: Int32, message: String) {
        self.operation = operation
        self.code = code
        self.message = message
    }

    /// A file SQLite opened but found damaged by a check of ours (`PRAGMA quick_check` answering problems).
    public static func damagedFile(_ operation: String, _ message: String) -> SQLiteError {
        SQLiteError(operation: operation, code: SQLITE_CORRUPT, message: message)
    }

    /// A file that is a database, but not the one the caller expected.
    public static func unexpectedContent(_ operation: String, _ message: String) -> SQLiteError {
        SQLiteError(operation: operation, code: SQLITE_ERROR, message: message)
    }

    /// The primary result code (`SQLITE_CORRUPT`, `SQLITE_BUSY`, ...).
    public var primaryCode: Int32 { code & 0xFF }

    /// The file is damaged or is no database at all: what a salvage can help with, unlike a full disk,
    /// a permission or a lock held by another process.
    public var isDamagedFile: Bool { primaryCode == SQLITE_CORRUPT || primaryCode == SQLITE_NOTADB }

    /// Another connection holds the database's lock.
    public var isLocked: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    public var description: String { "\(operation): \(message)" }

    /// The connection's current message for `code` (more precise than the code's generic text).
    static func from(_ handle: OpaquePointer?, code: Int32, operation: String) -> SQLiteError {
        let message =
            handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? code
        // The handle's code can be stale when the failure came from elsewhere; keep the call's own code then.
        return SQLiteError(operation: operation, code: extended & 0xFF == code & 0xFF ? extended : code, message: message)
    }
}
