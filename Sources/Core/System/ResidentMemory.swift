import Glibc

/// Gives back the pages of code and read-only data the mapper (and its built-in bridge) is not running. The
/// kernel maps a file's pages in 64 KiB batches around each first use ("fault-around", whatever `madvise`
/// advises), so the dynamic loader, each phase of start-up and a burst of traffic leave megabytes of this
/// executable and of the shared libraries resident that the mapper does not run again. Such a page is a private, never-written
/// file page: dropping it is safe, and what is used again faults back in from the page cache. Called between
/// the phases of start-up (the bridge's too: its settings, its store, its TLS handshake) and whenever the
/// mapper has been idle for a few seconds.
///
/// Written with libc's string functions, not Swift strings: the stdlib's string and parsing code spread over
/// the executable, and running it here would fault in as much code as it gives back.
public enum ResidentMemory {
    /// Drops the resident pages of every private file mapping that cannot be written and holds no page of its
    /// own (`Anonymous: 0` in `/proc/self/smaps`: a RELRO segment that relocations wrote to is kept, as are data
    /// and heap).
    public static func releaseCodePages() {
        guard let smaps = fopen("/proc/self/smaps", "r") else { return }
        defer { fclose(smaps) }
        let capacity = Int(PATH_MAX) + 256
        let line = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
        defer { line.deallocate() }
        // The mapping whose fields are being read, when it is one to give back.
        var start: UInt = 0
        var length = 0
        while fgets(line, Int32(capacity), smaps) != nil {
            if strncmp(line, "Anonymous:", 10) == 0 {
                if length > 0, strtoul(line + 10, nil, 10) == 0, let address = UnsafeMutableRawPointer(bitPattern: start) {
                    _ = madvise(address, length, MADV_DONTNEED)
                }
                length = 0
            } else if let (first, last) = releasableMapping(line) {
                start = first
                length = Int(last - first)
            }
        }
    }

    /// The bounds of a mapping header (`start-end perms offset device inode path`) of a private file mapping
    /// without write permission; nil for any other line.
    private static func releasableMapping(_ line: UnsafeMutablePointer<CChar>) -> (UInt, UInt)? {
        var cursor: UnsafeMutablePointer<CChar>? = line
        let first = UInt(strtoul(line, &cursor, 16))
        guard var position = cursor, position != line, position.pointee == CChar(UInt8(ascii: "-")) else { return nil }
        let last = UInt(strtoul(position + 1, &cursor, 16))
        guard let afterEnd = cursor, afterEnd != position + 1, afterEnd.pointee == CChar(UInt8(ascii: " ")), last > first else {
            return nil
        }
        position = afterEnd + 1
        // `r-xp`, `r--p`: readable, not writable, private; and a path (`[heap]` and anonymous mappings have none).
        guard position[0] == CChar(UInt8(ascii: "r")), position[1] != CChar(UInt8(ascii: "w")),
            position[3] == CChar(UInt8(ascii: "p")), strchr(position, Int32(UInt8(ascii: "/"))) != nil
        else { return nil }
        return (first, last)
    }
}
