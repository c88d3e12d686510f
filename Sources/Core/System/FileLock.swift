import Glibc
import TedgeProviderAPI

/// An exclusive advisory lock (flock) held for the life of the value: one mapper per cloud.
public final class FileLock: Sendable {
    public let path: String
    private let descriptor: Int32

    public init(path: String) throws(TedgeError) {
        try FileSystem.createDirectories(FileSystem.directory(of: path))
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TedgeError("Couldn't acquire file lock: cannot open \(path): \(SystemError.text(errno))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw TedgeError("Couldn't acquire file lock.\nAnother instance holds \(path); stop it first.")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        FileDescriptorWriter.writeAll(pid, to: fd)
        self.path = path
        descriptor = fd
    }

    deinit {
        unlink(path)
        close(descriptor)
    }
}
