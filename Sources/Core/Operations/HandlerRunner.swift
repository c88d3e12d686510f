import Glibc

/// Runs handlers for `OperationsStateMachine` without ever blocking the mapper's poll loop: each is started with
/// `posix_spawn` in a process group of its own; its stdout and stderr pipes are in the poll set; its end is noticed
/// when they close and, for a handler that closed them early or left a child holding them, by looking every
/// `exitCheckMilliseconds` while any runs. When a handler ends, or reaches its deadline, its whole process group
/// is killed: nothing it started is left running (a handler that must leave something behind starts it with
/// `setsid`). The outcome is collected by `service(now:)`.
public final class HandlerRunner {
    /// stdout kept for the answer (IoT Hub's largest method answer is 128 KiB); more fails the call.
    public static let maxStandardOutputBytes = 128 * 1024
    public static let standardErrorTailBytes = 4 * 1024
    static let exitCheckMilliseconds: Int64 = 100

    /// What comes before the handler's path in its argument list: empty to run it as the mapper's own user, or a
    /// program that changes user and executes the rest; or why handlers cannot run at all (every start fails with
    /// it). Asked once, at the first start: looking a user up loads the system's name services (NSS), hundreds of
    /// KiB a mapper that never runs a handler need not hold.
    private let identity: () -> Result<[String], HandlerIdentityError>
    private lazy var launcher = identity()
    private var processes: [HandlerProcess] = []
    private var finished: [(id: Int, outcome: HandlerOutcome)] = []
    private let buffer: UnsafeMutableRawBufferPointer

    public init(identity: @escaping () -> Result<[String], HandlerIdentityError> = { .success([]) }) {
        self.identity = identity
        buffer = .allocate(byteCount: 16 * 1024, alignment: 16)
    }

    deinit {
        stopAll()
        buffer.deallocate()
    }

    /// Handlers started and not yet ended (those killed at their deadline and not yet waited for excluded).
    public var runningCount: Int { processes.filter { !$0.killedAtDeadline }.count }
    /// Nothing runs and nothing is to be reported.
    public var isIdle: Bool { processes.isEmpty && finished.isEmpty }
    /// Processes not yet waited for, killed ones included.
    public var processIDs: [pid_t] { processes.map(\.pid) }

    /// Starts a handler; its outcome comes from `service` (at once when it cannot be started).
    public func start(_ run: HandlerRun) {
        let prefix: [String]
        switch launcher {
        case .success(let launcher): prefix = launcher
        case .failure(let refusal): return finished.append((run.id, HandlerOutcome(.failedToStart(refusal.description))))
        }
        switch HandlerProcess.spawn(run, launcher: prefix) {
        case .success(let process): processes.append(process)
        case .failure(let error): finished.append((run.id, HandlerOutcome(.failedToStart(error.description))))
        }
    }

    /// The pipes still open, for POLLIN.
    public func appendPollDescriptors(to descriptors: inout [pollfd]) {
        for process in processes {
            for descriptor in [process.standardOutputDescriptor, process.standardErrorDescriptor] where descriptor >= 0 {
                descriptors.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0))
            }
        }
    }

    /// The next deadline, or the next look for exits while anything runs.
    public func nextDeadline(after now: Int64) -> Int64 {
        guard !processes.isEmpty || !finished.isEmpty else { return now + 60_000 }
        guard finished.isEmpty else { return now }
        let deadlines = processes.filter { !$0.killedAtDeadline }.map(\.run.deadline)
        return min(deadlines.min() ?? Int64.max, now + Self.exitCheckMilliseconds)
    }

    /// Reads the pipes, kills what is past its deadline (reported as `.timedOut` at once), waits for what has
    /// ended; returns the outcomes since the last call, by run id.
    public func service(now: Int64) -> [(id: Int, outcome: HandlerOutcome)] {
        var index = 0
        while index < processes.count {
            let process = processes[index]
            process.readPipes(into: buffer, maxOutput: Self.maxStandardOutputBytes, errorTailBytes: Self.standardErrorTailBytes)
            if !process.killedAtDeadline && now >= process.run.deadline {
                process.killGroup()
                process.killedAtDeadline = true
                finished.append((process.run.id, outcome(of: process, .timedOut)))
            }
            guard process.hasExited else {
                index += 1
                continue
            }
            // Whatever it left in its group goes with it; then the exit is collected and the last output read.
            process.killGroup()
            let ending = process.reap()
            process.readPipes(into: buffer, maxOutput: Self.maxStandardOutputBytes, errorTailBytes: Self.standardErrorTailBytes)
            process.closePipes()
            if !process.killedAtDeadline { finished.append((process.run.id, outcome(of: process, ending))) }
            processes.remove(at: index)
        }
        defer { finished = [] }
        return finished
    }

    /// Kills every handler's process group and waits for them (the mapper is stopping); no outcome is reported.
    public func stopAll() {
        for process in processes {
            process.killGroup()
            _ = process.reap()
            process.closePipes()
        }
        processes = []
        finished = []
    }

    private func outcome(of process: HandlerProcess, _ ending: HandlerOutcome.Ending) -> HandlerOutcome {
        HandlerOutcome(
            ending, standardOutput: process.output, standardOutputOverflowed: process.outputOverflowed,
            standardErrorTail: process.errorTail)
    }
}
