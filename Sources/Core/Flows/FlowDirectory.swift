import Glibc
import TedgeSystem

/// The files under a flows directory and what identifies a version of each (modification time, size,
/// inode), so a rescan tells what changed without a file watcher.
enum FlowDirectory {
    struct Stamp: Equatable {
        let seconds: Int
        let nanoseconds: Int
        let size: Int
        let inode: UInt
    }

    /// Every regular file below `directory`, by path (symbolic links followed, 16 levels deep at most).
    static func scan(_ directory: String) -> [String: Stamp] {
        var files: [String: Stamp] = [:]
        walk(directory, depth: 0, into: &files)
        return files
    }

    private static func walk(_ directory: String, depth: Int, into files: inout [String: Stamp]) {
        guard depth < 16, let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let path = FileSystem.join(directory, name)
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: walk(path, depth: depth + 1, into: &files)
            case S_IFREG: files[path] = stamp(info)
            default: continue
            }
        }
    }

    static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return stamp(info)
    }

    private static func stamp(_ info: stat) -> Stamp {
        Stamp(seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec, size: Int(info.st_size), inode: UInt(info.st_ino))
    }

    /// A file's text, or thin-edge's `Cannot read file <path>: <reason>`.
    static func read(_ path: String) throws(FlowLoadError) -> String {
        do { return try FileSystem.readText(path) } catch {
            let ours = "Cannot read \(path): "
            let reason = error.description.hasPrefix(ours) ? String(error.description.dropFirst(ours.count)) : error.description
            throw FlowLoadError("Cannot read file \(path): \(reason)")
        }
    }
}
