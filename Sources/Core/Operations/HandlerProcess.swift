import Glibc
import TedgeSystem

// pipe2(2) and memfd_create(2) are not in Swift's Glibc module map (they need _GNU_SOURCE); their C signatures are stable.
@_silgen_name("pipe2")
private func systemPipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
@_silgen_name("memfd_create")
private func systemMemoryFile(_ name: UnsafePointer<CChar>, _ flags: UInt32) -> Int32

/// One running handler: its process (the leader of a process group of its own), the read ends of its stdout and
/// stderr pipes, and what it wrote so far (stdout up to a bound, the tail of stderr).
final class HandlerProcess {
    let run: HandlerRun
    let pid: pid_t
    private(set) var standardOutputDescriptor: Int32
    private(set) var standardErrorDescriptor: Int32
    private(set) var output: [UInt8] = []
    private(set) var outputOverflowed = false
    private(set) var errorTail: [UInt8] = []
    /// Killed at its deadline: its outcome was reported then, it is only waited for.
    var killedAtDeadline = false

    private init(run: HandlerRun, pid: pid_t, standardOutput: Int32, standardError: Int32) {
        self.run = run
        self.pid = pid
        standardOutputDescriptor = standardOutput
        standardErrorDescriptor = standardError
    }

    deinit { closePipes() }

    /// Starts `launcher + [run.executable]` with `posix_spawn` (`CleanSpawn`: no shell, no PATH search, signals
    /// reset, a process group of its own): the run's environment and nothing else, stdin a memory file holding its
    /// input, stdout and stderr pipes.
    static func spawn(_ run: HandlerRun, launcher: [String]) -> Result<HandlerProcess, SpawnError> {
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        guard systemPipe2(&outputPipe, O_CLOEXEC) == 0 else { return .failure(SpawnError("pipe2", errno)) }
        guard systemPipe2(&errorPipe, O_CLOEXEC) == 0 else {
            let code = errno
            outputPipe.forEach { _ = close($0) }
            return .failure(SpawnError("pipe2", code))
        }
        let input = run.standardInput.isEmpty ? -1 : memoryFile(holding: run.standardInput)
        guard input >= 0 || run.standardInput.isEmpty else {
            let code = errno
            (outputPipe + errorPipe).forEach { _ = close($0) }
            return .failure(SpawnError("memfd_create", code))
        }
        defer {
            _ = close(outputPipe[1])
            _ = close(errorPipe[1])
            if input >= 0 { _ = close(input) }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if input >= 0 {
            posix_spawn_file_actions_adddup2(&actions, input, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)

        let environment = run.environment.keys.sorted().map { "\($0)=\(run.environment[$0]!)" }
        switch CleanSpawn.spawn(launcher + [run.executable], environment: environment, actions: &actions, newProcessGroup: true) {
        case .success(let pid):
            for descriptor in [outputPipe[0], errorPipe[0]] {
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            }
            return .success(HandlerProcess(run: run, pid: pid, standardOutput: outputPipe[0], standardError: errorPipe[0]))
        case .failure(let error):
            _ = close(outputPipe[0])
            _ = close(errorPipe[0])
            return .failure(SpawnError("posix_spawn", error.code))
        }
    }

    /// Reads what the pipes hold now; stdout beyond `maxOutput` is read and dropped, stderr keeps its last bytes.
    /// At most `readsPerCall` reads per pipe, so a handler that writes without end cannot hold the loop.
    func readPipes(into buffer: UnsafeMutableRawBufferPointer, maxOutput: Int, errorTailBytes: Int) {
        for _ in 0..<Self.readsPerCall {
            guard standardOutputDescriptor >= 0, let chunk = read(&standardOutputDescriptor, into: buffer) else { break }
            let room = max(0, maxOutput - output.count)
            output.append(contentsOf: chunk.prefix(room))
            if chunk.count > room { outputOverflowed = true }
        }
        for _ in 0..<Self.readsPerCall {
            guard standardErrorDescriptor >= 0, let chunk = read(&standardErrorDescriptor, into: buffer) else { break }
            errorTail.append(contentsOf: chunk)
            if errorTail.count > errorTailBytes { errorTail.removeFirst(errorTail.count - errorTailBytes) }
        }
    }

    static let readsPerCall = 16

    /// Whether it has exited, without reaping it (`WNOWAIT`): its pid stays reserved, so its process group can still
    /// be signalled safely.
    var hasExited: Bool {
        var information = siginfo_t()
        // With WNOHANG and nothing to report, the kernel leaves it zeroed; an exit fills in SIGCHLD.
        return waitid(P_PID, id_t(pid), &information, WEXITED | WNOHANG | WNOWAIT) == 0 && information.si_signo == SIGCHLD
    }

    /// SIGKILL to the whole process group: the handler and whatever it started and left in its group.
    func killGroup() { _ = kill(-pid, SIGKILL) }

    /// Waits for the exit (after `killGroup`, or once `hasExited`) and says how it ended.
    func reap() -> HandlerOutcome.Ending {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .signalled(SIGKILL) }
        }
        return (status & 0x7F) == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
    }

    func closePipes() {
        if standardOutputDescriptor >= 0 { _ = close(standardOutputDescriptor) }
        if standardErrorDescriptor >= 0 { _ = close(standardErrorDescriptor) }
        standardOutputDescriptor = -1
        standardErrorDescriptor = -1
    }

    /// One read: the bytes, or nil when there is nothing now (the descriptor is closed at end of file or error).
    private func read(_ descriptor: inout Int32, into buffer: UnsafeMutableRawBufferPointer) -> ArraySlice<UInt8>? {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count > 0 { return Array(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))[...] }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return nil }
            _ = close(descriptor)
            descriptor = -1
            return nil
        }
    }

    /// A memory file (no disk, no pipe: the handler reads at its own pace and the mapper never blocks on writing)
    /// holding `bytes`, positioned at its start; -1 (errno set) when one cannot be made.
    private static func memoryFile(holding bytes: [UInt8]) -> Int32 {
        let descriptor = systemMemoryFile("tedge-handler-input", 1 /* MFD_CLOEXEC */)
        guard descriptor >= 0 else { return -1 }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let code = count == 0 ? ENOSPC : errno
                _ = close(descriptor)
                errno = code
                return -1
            }
            written += count
        }
        lseek(descriptor, 0, SEEK_SET)
        return descriptor
    }
}
