import Glibc

/// Gives back the pages of this executable's code that the mapper is not running. The kernel maps code
/// in 64 KiB batches around each first use ("fault-around"), so start-up and a burst of traffic leave
/// megabytes of the Swift runtime and of our modules resident that an idle mapper does not run. The
/// text is a private, never-written file mapping: dropping it is safe, and what is used again is paged
/// back in from the file (the page cache), one page at a time once `MADV_RANDOM` has turned fault-around
/// off for it. Called when the mapper has been idle for a few seconds.
enum ResidentMemory {
    /// Drops this executable's resident code pages; they fault back in from the file as they are used.
    static func releaseCodePages() {
        guard let maps = fopen("/proc/self/maps", "r") else { return }
        defer { fclose(maps) }
        var executable = [CChar](repeating: 0, count: Int(PATH_MAX))
        let length = readlink("/proc/self/exe", &executable, executable.count - 1)
        guard length > 0 else { return }
        let executablePath = String(decoding: executable.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), maps) != nil {
            let text = String(decoding: line.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // `start-end perms offset device inode path`; the path (which may hold spaces) is the rest.
            let fields = text.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[1].hasPrefix("r-x"),
                fields[5].drop(while: { $0 == " " }) == executablePath[...]
            else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
                let address = UnsafeMutableRawPointer(bitPattern: start)
            else { continue }
            _ = madvise(address, Int(end - start), MADV_RANDOM)
            _ = madvise(address, Int(end - start), MADV_DONTNEED)
        }
    }
}
