import Glibc

/// A child process with its standard output on a pipe: read line by line with a timeout, killed and
/// reaped by PID. Spawned with an empty signal mask (Swift Testing's threads block signals).
final class ChildProbe {
    let pid: pid_t
    private let output: Int32
    private var buffered: [UInt8] = []
    private var reaped = false
    private(set) var status: Int32 = 0

    /// The directory of the running test binary: SwiftPM puts the package's executables beside it.
    static let binDirectory: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = String(decoding: buffer[0..<max(0, length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }()

    static var probe: String { binDirectory + "/durable-store-probe" }

    init(_ arguments: [String]) throws {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw ProbeError("pipe failed") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawnp(&child, arguments[0], &actions, &attributes, &cArguments, environ)
        close(pipeEnds[1])
        guard result == 0 else {
            close(pipeEnds[0])
            throw ProbeError("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        pid = child
        output = pipeEnds[0]
    }

    deinit {
        if !reaped {
            Glibc.kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
        }
        close(output)
    }

    /// The next line of standard output; nil at end of file or after `timeoutSeconds` without one.
    func readLine(timeoutSeconds: Int32 = 60) -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, timeoutSeconds * 1000)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(output, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffered += chunk[0..<count]
        }
    }

    /// Every line still to come, up to end of file (the child's exit).
    func remainingLines() -> [String] {
        var lines: [String] = []
        while let line = readLine() { lines.append(line) }
        return lines
    }

    func kill(_ signal: Int32 = SIGKILL) { Glibc.kill(pid, signal) }

    /// Waits for the child to end, at most `timeoutSeconds` (then kills it); its wait status.
    @discardableResult
    func wait(timeoutSeconds: Int = 300) -> Int32 {
        guard !reaped else { return status }
        for _ in 0..<(timeoutSeconds * 100) {
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                return status
            }
            usleep(10_000)
        }
        kill(SIGKILL)
        waitpid(pid, &status, 0)
        reaped = true
        return status
    }

    var exitedCleanly: Bool { reaped && status & 0x7F == 0 && (status >> 8) & 0xFF == 0 }
}

struct ProbeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
