import Glibc

/// Writes files so that readers see either the old content or the whole new content, never a part.
///
/// The content goes to a fresh temporary file in the same directory (created 0600, so a private key
/// is never readable by others), is synced, gets its final mode, and is then moved into place:
/// `rename` to replace, `link` to create only when the target does not exist.
public enum AtomicFile {
    public enum Placement: Sendable {
        case replace
        case createNew
    }

    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t, placement: Placement) throws(AtomicFileError) {
        let directory = FileSystem.directory(of: path)
        var template = Array(FileSystem.join(directory, ".\(baseName(path)).tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .io(path, errno) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var placed = false
        defer {
            if !placed { unlink(temporary) }
        }
        if let code = FileDescriptorWriter.writeAll(bytes, to: fd) {
            close(fd)
            throw .io(path, code)
        }
        guard fsync(fd) == 0, fchmod(fd, mode) == 0 else {
            let code = errno
            close(fd)
            throw .io(path, code)
        }
        close(fd)
        switch placement {
        case .replace:
            guard rename(temporary, path) == 0 else { throw .io(path, errno) }
            placed = true
        case .createNew:
            guard link(temporary, path) == 0 else {
                throw errno == EEXIST ? .exists(path) : .io(path, errno)
            }
            unlink(temporary)
            placed = true
        }
        syncDirectory(directory)
    }

    public static func write(_ text: String, to path: String, mode: mode_t, placement: Placement) throws(AtomicFileError) {
        try write(Array(text.utf8), to: path, mode: mode, placement: placement)
    }

    private static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
