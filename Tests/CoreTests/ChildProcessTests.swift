import Glibc
import TedgeRuntime
import Testing

/// What a child started by `ChildProcess` (through `CleanSpawn`) inherits.
@Suite struct ChildProcessTests {
    /// A descriptor another thread has open without O_CLOEXEC (a file being written) does not reach the child: a
    /// long-lived child holding a file open for writing makes executing that file fail with ETXTBSY.
    @Test func onlyStandardDescriptorsReachTheChild() throws {
        let path = "/tmp/tedge-child-fd-\(getpid())"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)  // no O_CLOEXEC
        #expect(descriptor >= 3)
        defer {
            close(descriptor)
            unlink(path)
        }
        let listing = try ChildProcess.run(["/bin/ls", "-l", "/proc/self/fd"])
        #expect(listing.status == .exited(0))
        #expect(!listing.standardOutput.contains(path), "\(listing.standardOutput)")
        #expect(listing.standardOutput.contains(" 0 -> "))
    }
}
