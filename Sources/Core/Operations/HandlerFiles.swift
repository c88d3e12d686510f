import Glibc

/// What is on disk at a handler's path: the only file-system question the state machine asks.
public enum HandlerFiles {
    /// An executable regular file (symbolic links followed: the handler directory is the administrator's).
    public static func lookup(_ path: String) -> HandlerLookup {
        var information = stat()
        guard stat(path, &information) == 0 else {
            return errno == ENOENT || errno == ENOTDIR
                ? .missing : .notExecutable("cannot be read: \(String(cString: strerror(errno)))")
        }
        guard (information.st_mode & S_IFMT) == S_IFREG else { return .notExecutable("is not a regular file") }
        guard information.st_mode & 0o111 != 0 else { return .notExecutable("is not executable") }
        return .executable
    }
}
