import Glibc
import TedgeProviderAPI

/// Small path helpers over POSIX, so Core's file handling does not depend on Foundation's.
public enum FileSystem {
    public static func join(_ base: String, _ relative: String) -> String {
        base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Permission bits (e.g. 0o400), or nil when the file is missing.
    public static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    /// Creates a directory and its parents (mode 0755 before umask).
    public static func createDirectories(_ path: String) throws(TedgeError) {
        if isDirectory(path) { return }
        let parent = directory(of: path)
        if parent != path && !parent.isEmpty { try createDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw TedgeError("Cannot create directory \(path): \(SystemError.text(errno))")
        }
    }

    public static func readText(_ path: String) throws(TedgeError) -> String {
        String(decoding: try readBytes(path), as: UTF8.self)
    }

    public static func readBytes(_ path: String) throws(TedgeError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TedgeError("Cannot read \(path): \(SystemError.text(errno))") }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TedgeError("Cannot read \(path): \(SystemError.text(errno))")
            }
            if count == 0 { return result }
            result += buffer.prefix(count)
        }
    }

    /// Removes a file; true when it existed.
    @discardableResult
    public static func remove(_ path: String) throws(TedgeError) -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw TedgeError("File operation error. Check permissions for \(path).")
    }

    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return join(cwd, path)
    }
}

extension FileSystem {
    /// Names of the regular files in a directory, sorted; empty when it cannot be read.
    public static func regularFileNames(in directory: String) -> [String] { entryNames(in: directory, where: isRegularFile) }

    /// Names of the directories in a directory (symbolic links followed), sorted; empty when it cannot be read.
    public static func directoryNames(in directory: String) -> [String] { entryNames(in: directory, where: isDirectory) }

    private static func entryNames(in directory: String, where kind: (String) -> Bool) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != "..", kind(join(directory, name)) { names.append(name) }
        }
        return names.sorted()
    }
}
