import Glibc

/// Gives back the pages of this executable's code that the mapper is not running. The kernel maps code
/// in 64 KiB batches around each first use ("fault-around"), so start-up and a burst of traffic leave
/// megabytes of the Swift runtime and of our modules resident that an idle mapper does not run. The
/// text is a private, never-written file mapping: dropping it is safe, and what is used again is paged
/// back in from the file (the page cache), one page at a time once `MADV_RANDOM` has turned fault-around
/// off for it. Called when the mapper has been idle for a few seconds.
///
/// With the built-in bridge the shared libraries' code counts too: libcrypto alone kept about 2.5 MiB of
/// text resident after one TLS handshake and a flood, libc 1.3 MiB, SQLite 0.9 MiB; dropping them with the
/// executable's took the idle bridge from about 13.9 to 9 MiB. Only `r-x` mappings are touched: shared
/// libraries' text is never written (no text relocations on Debian's amd64 and arm64 libraries), unlike their
/// relocated read-only data.
enum ResidentMemory {
    /// Drops this executable's resident code pages (and the shared libraries', with `includingLibraries`); they
    /// fault back in from the file as they are used.
    static func releaseCodePages(includingLibraries: Bool = false) {
        forEachCodeMapping(includingLibraries: includingLibraries) { address, length in
            _ = madvise(address, length, MADV_RANDOM)
            _ = madvise(address, length, MADV_DONTNEED)
        }
    }

    private static func forEachCodeMapping(includingLibraries: Bool, _ body: (UnsafeMutableRawPointer, Int) -> Void) {
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
            guard fields.count == 6, fields[1].hasPrefix("r-x") else { continue }
            let path = fields[5].drop(while: { $0 == " " })
            // File mappings only (`[vdso]` and the like are the kernel's).
            guard path == executablePath[...] || (includingLibraries && path.hasPrefix("/")) else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
                let address = UnsafeMutableRawPointer(bitPattern: start)
            else { continue }
            body(address, Int(end - start))
        }
    }
}
