import Glibc

/// The store's files on disk: the database, its `-wal`, the salvage's temporary copy and damaged files
/// moved aside.
enum StoreFiles {
    static func wal(of path: String) -> String { path + "-wal" }

    /// Where a salvage builds the fresh store before it takes the damaged file's place.
    static func salvage(of path: String) -> String { path + ".salvage" }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The file's size in bytes; nil when it does not exist.
    static func size(of path: String) -> Int? {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : nil
    }

    /// `<path>.corrupt-<n>` with the lowest n free (for the file and its `-wal`).
    static func asideName(for path: String) -> String {
        var number = 1
        while exists("\(path).corrupt-\(number)") || exists(wal(of: "\(path).corrupt-\(number)")) { number += 1 }
        return "\(path).corrupt-\(number)"
    }

    static func rename(_ source: String, to target: String) throws(DurableStoreError) {
        guard Glibc.rename(source, target) == 0 else {
            throw DurableStoreError(operation: "move \(source) to \(target)", reason: String(cString: strerror(errno)))
        }
    }

    /// Removes the file and its WAL if they exist.
    static func remove(_ path: String) {
        unlink(path)
        unlink(wal(of: path))
    }

    /// A new or renamed directory entry is durable only once its directory is synced.
    static func syncDirectory(of path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// A salvage that stopped between moving the damaged file aside and moving the fresh one in left
    /// only the fresh one: finish the move.
    static func finishInterruptedSalvage(_ path: String) throws(DurableStoreError) {
        let fresh = salvage(of: path)
        guard !exists(path), exists(fresh), !exists(wal(of: fresh)) else { return }
        try rename(fresh, to: path)
        syncDirectory(of: path)
    }
}
