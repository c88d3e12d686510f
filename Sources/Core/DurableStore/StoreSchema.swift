import TedgeSQLite

/// The store file's settings and tables, and the checks a file passes before it is used.
enum StoreSchema {
    /// `PRAGMA user_version` of a store file; 0 is a file no table was created in yet.
    static let version = "1"
    /// `PRAGMA application_id` of a store file ("tedg"), so another program's database is never taken for one.
    static let applicationID = "1952801895"

    /// Why these settings:
    /// - `locking_mode = EXCLUSIVE` before WAL: one process owns the store (a second one gets "database is
    ///   locked"), and SQLite keeps the WAL index in its heap rather than a shared `-shm` mapping.
    /// - `synchronous = FULL` in WAL mode: every commit ends with an fsync of the WAL, so an append is on
    ///   disk when it returns. `NORMAL` would sync only at checkpoints: a power cut could take back commits
    ///   the caller had already acknowledged. Removals switch to `NORMAL` (see `DurableStore`).
    /// - the default automatic checkpoint (1,000 pages) keeps the WAL near 4 MiB; `journal_size_limit` trims
    ///   it back to that after a larger batch.
    /// - `secure_delete = FAST`: Debian's SQLite zeroes freed pages by default (`SQLITE_SECURE_DELETE`),
    ///   extra writes for a queue that deletes all the time; FAST clears deleted rows only in pages written anyway.
    /// - `cache_size = -128`: 128 KiB of page cache at most; a queue reads its head and writes its tail (the
    ///   bridge's heap under a 20,000-message flood: 400 KiB less than with 512 KiB, at the same throughput).
    static let settings = """
        PRAGMA synchronous = FULL;
        PRAGMA secure_delete = FAST;
        PRAGMA cache_size = -128;
        PRAGMA journal_size_limit = 4194304;
        """

    /// `sequence` is the rowid, so the queue's order is the table's own b-tree order. `size` is what
    /// the message counts against the size limit (topic plus payload bytes), kept so drops need not read
    /// payloads; a salvage also checks it, and `checksum` (`MessageChecksum`), against the row's topic and payload.
    static let tables = """
        CREATE TABLE messages (
            sequence INTEGER PRIMARY KEY,
            enqueued_at INTEGER NOT NULL,
            qos INTEGER NOT NULL,
            retain INTEGER NOT NULL,
            size INTEGER NOT NULL,
            checksum INTEGER NOT NULL,
            topic TEXT NOT NULL,
            payload BLOB NOT NULL
        );
        CREATE TABLE state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            appended_through INTEGER NOT NULL,
            removed_through INTEGER NOT NULL,
            dropped_messages INTEGER NOT NULL,
            dropped_bytes INTEGER NOT NULL,
            expired_messages INTEGER NOT NULL,
            expired_bytes INTEGER NOT NULL,
            last_removal_at INTEGER NOT NULL
        );
        INSERT INTO state VALUES (1, 0, 0, 0, 0, 0, 0, 0);
        PRAGMA user_version = \(version);
        PRAGMA application_id = \(applicationID);
        """

    /// Opens (or creates) the store file at `path`, checked: a damaged file throws an error whose
    /// `isDamagedFile` is true; a database of some other kind throws without touching it.
    static func open(_ path: String) throws(SQLiteError) -> SQLiteConnection {
        // SQLite takes an empty file for a new database; the store never leaves one behind (its first write
        // is the header), so an empty file is one that lost everything.
        if StoreFiles.size(of: path) == 0 && !StoreFiles.exists(StoreFiles.wal(of: path)) {
            throw .damagedFile("open \(path)", "the file is empty")
        }
        let connection = try SQLiteConnection(path: path)
        do throws(SQLiteError) {
            try connection.execute("PRAGMA locking_mode = EXCLUSIVE")
            // Whose file it is, before anything is written to it (a garbage header fails here already).
            let version = try connection.text("PRAGMA user_version")
            let application = try connection.text("PRAGMA application_id")
            let tableCount = try connection.text("SELECT count(*) FROM sqlite_schema")
            let isNew = version == "0" && application == "0" && tableCount == "0"
            guard (version == StoreSchema.version && application == applicationID) || isNew else {
                throw .unexpectedContent(
                    "open \(path)", "the file is an SQLite database but not a message store (schema version \(version ?? "none"))"
                )
            }
            let mode = try connection.text("PRAGMA journal_mode = WAL")
            guard mode == "wal" else {
                throw .unexpectedContent("use write-ahead logging on \(path)", "SQLite kept journal mode \(mode ?? "none")")
            }
            try connection.execute(settings)
            let problems = try connection.texts("PRAGMA quick_check")
            guard problems == ["ok"] else {
                throw .damagedFile("check \(path)", problems.prefix(3).joined(separator: "; "))
            }
            if isNew { try connection.execute("BEGIN;\n\(tables)\nCOMMIT;") }
        } catch {
            if error.isDamagedFile { connection.keepWALOnClose() }
            throw error
        }
        return connection
    }
}
