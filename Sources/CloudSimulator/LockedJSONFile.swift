import Glibc
import TedgeProviderAPI
import TedgeSystem

/// A JSON document in a file that the running simulator and a service-side command may both change: every read and
/// update holds an exclusive lock on `<file>.lock`, and an update is written atomically.
struct LockedJSONFile: Sendable {
    let path: String
    /// What the document is while the file does not exist.
    let initial: JSONValue

    var exists: Bool { FileSystem.exists(path) }

    func read() throws -> JSONValue { try locked { try load() } }

    /// Changes the document and writes it back; returns what `change` returns.
    func update<T>(_ change: (inout JSONValue) throws -> T) throws -> T {
        try locked {
            var document = try load()
            let result = try change(&document)
            try AtomicFile.write(JSONText.serialize(document) + "\n", to: path, mode: 0o644, placement: .replace)
            return result
        }
    }

    private func load() throws -> JSONValue {
        guard FileSystem.exists(path) else { return initial }
        switch JSONText.parse(Array(try FileSystem.readText(path).utf8)) {
        case .success(let document): return document
        case .failure(let error): throw TedgeError("\(path) is damaged: \(error)")
        }
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        try FileSystem.createDirectories(FileSystem.directory(of: path))
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TedgeError("Cannot open \(lockPath): \(SystemError.text(errno))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw TedgeError("Cannot lock \(lockPath): \(SystemError.text(errno))") }
        }
        return try body()
    }
}
