import CTedgeSQLite

/// The one owner of a `sqlite3` handle: opened in `init`, closed in `deinit`. Used from one thread
/// (opened without SQLite's mutexes); statements keep their connection alive.
public final class SQLiteConnection {
    let handle: OpaquePointer
    public let path: String

    /// Opens (and with `create`, creates) the database file at `path`.
    public init(path: String, readOnly: Bool = false, create: Bool = true) throws(SQLiteError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        var opened: OpaquePointer?
        let result = sqlite3_open_v2(path, &opened, flags, nil)
        guard result == SQLITE_OK, let opened else {
            let error = SQLiteError.from(opened, code: result, operation: "open \(path)")
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        self.path = path
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs SQL that returns no rows we need (several statements allowed).
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
            throw SQLiteError(operation: "run \(sql)", code: sqlite3_extended_errcode(handle), message: text)
        }
    }

    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else { throw failure(result, "prepare \(sql)") }
        return SQLiteStatement(connection: self, handle: statement, sql: sql)
    }

    /// The first column of the first row of `sql` as text (a pragma's answer), nil when no row.
    public func text(_ sql: String) throws(SQLiteError) -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.text(at: 0) : nil
    }

    /// Every row's first column as text (`PRAGMA quick_check` answers one row per problem).
    public func texts(_ sql: String) throws(SQLiteError) -> [String] {
        let statement = try prepare(sql)
        var rows: [String] = []
        while try statement.step() { rows.append(statement.text(at: 0)) }
        return rows
    }

    /// Runs `body` inside `BEGIN` … `COMMIT`; rolls back and rethrows when it throws.
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // A failed COMMIT may have rolled back already; a second rollback then fails harmlessly.
            _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    /// Closing will leave the WAL as it is (no checkpoint into the database file): for a file found
    /// damaged, which should reach its salvage as it was.
    public func keepWALOnClose() { tedge_sqlite3_no_checkpoint_on_close(handle) }

    func failure(_ code: Int32, _ operation: String) -> SQLiteError {
        SQLiteError.from(handle, code: code, operation: operation)
    }

    /// The library's version ("3.40.1").
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}
