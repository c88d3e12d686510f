import Glibc
import TedgeProviderAPI
import TedgeSystem

/// A child process started with `posix_spawn`, with signals reset to their defaults and an empty
/// signal mask: threads that block signals (Swift's test runners do) must not pass that on, or the
/// child would ignore SIGTERM.
public final class ChildProcess: @unchecked Sendable {
    public enum Status: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)

        public var succeeded: Bool { self == .exited(0) }
    }

    public struct Output: Sendable {
        public let status: Status
        public let standardOutput: String
        public let standardError: String
    }

    public let pid: pid_t
    public let arguments: [String]
    private var finalStatus: Status?

    private init(pid: pid_t, arguments: [String]) {
        self.pid = pid
        self.arguments = arguments
    }

    /// Starts `arguments[0]` (searched on PATH when it has no slash). Output goes to the given files
    /// (appended), or to /dev/null; stdin is /dev/null or the given file.
    public static func spawn(
        _ arguments: [String], environment: [String: String] = [:], standardInput: String? = nil,
        standardOutput: String? = nil, standardError: String? = nil,
        newProcessGroup: Bool = false
    ) throws(TedgeError) -> ChildProcess {
        guard let program = arguments.first else { throw TedgeError("No program to run") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, standardError ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)

        var merged: [String: String] = [:]
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                merged[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            index += 1
        }
        for (name, value) in environment { merged[name] = value }

        let pid: pid_t
        switch CleanSpawn.spawn(
            arguments, environment: merged.map { "\($0.key)=\($0.value)" }, actions: &actions,
            newProcessGroup: newProcessGroup, searchPath: !program.contains("/"))
        {
        case .success(let spawned):
            pid = spawned
        case .failure(let error):
            throw TedgeError(
                error.code == ENOENT ? "\(program): command not found" : "Cannot run \(program): \(SystemError.text(error.code))")
        }
        return ChildProcess(pid: pid, arguments: arguments)
    }

    /// Runs to completion and returns its status and output; kills it (SIGKILL) after `timeout`.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], standardInput: String? = nil,
        timeout: Duration = .seconds(120)
    ) throws(TedgeError) -> Output {
        var template = Array("/tmp/tedge-child-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw TedgeError("Cannot create a temporary directory: \(SystemError.text(errno))")
        }
        let directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let outPath = directory + "/stdout", errPath = directory + "/stderr"
        defer {
            unlink(outPath)
            unlink(errPath)
            rmdir(directory)
        }
        let child = try spawn(
            arguments, environment: environment, standardInput: standardInput,
            standardOutput: outPath, standardError: errPath)
        let status =
            child.wait(timeout: timeout)
            ?? {
                child.signal(SIGKILL)
                return child.wait(timeout: .seconds(10)) ?? .signalled(SIGKILL)
            }()
        let out = (try? FileSystem.readText(outPath)) ?? ""
        let err = (try? FileSystem.readText(errPath)) ?? ""
        return Output(status: status, standardOutput: out, standardError: err)
    }

    public func signal(_ signal: Int32) {
        guard finalStatus == nil else { return }
        kill(pid, signal)
    }

    /// Waits for the exit; nil when still running after `timeout`.
    @discardableResult
    public func wait(timeout: Duration) -> Status? {
        if let finalStatus { return finalStatus }
        let deadline = ContinuousClock.now + timeout
        var pause: UInt32 = 1_000
        while true {
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid {
                let status: Status = (raw & 0x7F) == 0 ? .exited((raw >> 8) & 0xFF) : .signalled(raw & 0x7F)
                finalStatus = status
                return status
            }
            if result < 0 && errno != EINTR { return .exited(-1) }
            if ContinuousClock.now >= deadline { return nil }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    /// SIGTERM, then SIGKILL if it has not exited after `grace`.
    public func stop(grace: Duration = .seconds(5)) {
        signal(SIGTERM)
        if wait(timeout: grace) == nil {
            signal(SIGKILL)
            wait(timeout: .seconds(5))
        }
    }
}
