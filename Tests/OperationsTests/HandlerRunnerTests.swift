import Glibc
import TedgeTestSupport
import Testing

@testable import TedgeOperations

/// The runner with real handlers: tiny shell scripts in a temporary directory, as fixtures (the runner itself never
/// uses a shell: it starts the file with posix_spawn, and a file without `#!` does not run).
@Suite struct HandlerRunnerTests {
    let directory = TemporaryDirectory()

    private func handler(_ name: String, _ script: String, mode: mode_t = 0o755) -> String {
        let path = directory.file(name)
        // "e": close-on-exec, so that a handler spawned meanwhile by another test cannot hold it open (ETXTBSY).
        let file = fopen(path, "we")!
        fputs(script, file)
        fclose(file)
        chmod(path, mode)
        return path
    }

    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// Polls the runner as the mapper's loop does until every run has an outcome (or 20 s pass).
    private func outcomes(_ runner: HandlerRunner, of runs: [HandlerRun]) -> [Int: HandlerOutcome] {
        for run in runs { runner.start(run) }
        var results: [Int: HandlerOutcome] = [:]
        let giveUp = Self.now() + 20_000
        while results.count < runs.count && Self.now() < giveUp {
            var descriptors: [pollfd] = []
            runner.appendPollDescriptors(to: &descriptors)
            let now = Self.now()
            _ = poll(&descriptors, nfds_t(descriptors.count), Int32(max(0, min(1_000, runner.nextDeadline(after: now) - now))))
            for (id, outcome) in runner.service(now: Self.now()) { results[id] = outcome }
        }
        return results
    }

    private func run(_ id: Int, _ path: String, input: String = "", environment: [String: String] = [:], limit: Int64 = 15_000)
        -> HandlerRun
    {
        HandlerRun(
            id: id, executable: path, standardInput: Array(input.utf8), environment: environment, deadline: Self.now() + limit)
    }

    /// Alive: /proc says so and it is not a zombie (orphans are not always reaped in a container).
    @Test func stdinEnvironmentAndStdout() throws {
        let runner = HandlerRunner()
        let echo = handler("echo", "#!/bin/sh\nprintf '{\"in\":%s,\"name\":\"%s\"}' \"$(cat)\" \"$TEDGE_METHOD_NAME\"\n")
        let environment = handler("environment", "#!/bin/sh\n/usr/bin/env | /usr/bin/sort\n")
        let large = handler("large", "#!/bin/sh\n/usr/bin/wc -c\n")
        let results = outcomes(
            runner,
            of: [
                run(1, echo, input: #"{"delay":1}"#, environment: ["TEDGE_METHOD_NAME": "reboot", "PATH": "/usr/bin:/bin"]),
                run(2, environment, environment: ["TEDGE_A": "x y", "B": "$(id)"]),
                run(3, large, input: String(repeating: "z", count: 100_000)),
            ])
        #expect(results[1] == HandlerOutcome(.exited(0), standardOutput: Array(#"{"in":{"delay":1},"name":"reboot"}"#.utf8)))
        // Exactly the environment given: nothing of the mapper's, and values are never expanded.
        let lines = String(decoding: try #require(results[2]).standardOutput, as: UTF8.self).split(separator: "\n")
        #expect(
            lines.filter { !$0.hasPrefix("PWD=") && !$0.hasPrefix("SHLVL=") && !$0.hasPrefix("_=") } == [
                "B=$(id)", "TEDGE_A=x y",
            ])
        #expect(String(decoding: try #require(results[3]).standardOutput, as: UTF8.self) == "100000\n")
        #expect(runner.processIDs.isEmpty)
    }

    @Test func failuresKeepTheTailOfStderr() throws {
        let runner = HandlerRunner()
        let fail = handler("fail", "#!/bin/sh\necho partial\necho first >&2\necho oops >&2\nexit 3\n")
        let noisy = handler("noisy", "#!/bin/sh\nhead -c 10000 /dev/zero | tr '\\0' e >&2\necho end >&2\nexit 1\n")
        let results = outcomes(runner, of: [run(1, fail), run(2, noisy)])
        let failed = try #require(results[1])
        #expect(failed.ending == .exited(3) && failed.standardErrorLines(last: 5) == "first\noops")
        let tail = try #require(results[2]).standardErrorTail
        #expect(tail.count == HandlerRunner.standardErrorTailBytes && tail.suffix(4) == Array("end\n".utf8))
    }

    /// Past its deadline the whole process group is killed, its children too, and the outcome is `timedOut`.
    @Test func aSlowHandlerIsKilledWithEverythingItStarted() throws {
        let runner = HandlerRunner()
        let pidFile = directory.file("child.pid")
        let slow = handler("slow", "#!/bin/sh\nsleep 60 &\necho $! > \(pidFile)\nsleep 60\n")
        let results = outcomes(runner, of: [run(1, slow, limit: 1_000)])
        #expect(results[1]?.ending == .timedOut)
        let child = try #require(childPID(pidFile))
        for _ in 0..<100 where ProcessLiveness.isAlive(child) { usleep(20_000) }
        #expect(!ProcessLiveness.isAlive(child))
        for _ in 0..<100 where !runner.processIDs.isEmpty {
            _ = runner.service(now: Self.now())
            usleep(20_000)
        }
        #expect(runner.processIDs.isEmpty)
    }

    /// A handler that exits leaving a child that holds its stdout: its end is seen at once, not at the child's,
    /// and the child goes with it.
    @Test func whatAHandlerLeavesBehindIsKilled() throws {
        let runner = HandlerRunner()
        let pidFile = directory.file("left.pid")
        let leaves = handler("leaves", "#!/bin/sh\nsleep 60 &\necho $! > \(pidFile)\necho done\nexit 0\n")
        let closes = handler("closes", "#!/bin/sh\nexec >&- 2>&-\nsleep 0.2\nexit 4\n")
        let results = outcomes(runner, of: [run(1, leaves), run(2, closes)])
        #expect(results[1] == HandlerOutcome(.exited(0), standardOutput: Array("done\n".utf8)))
        #expect(results[2]?.ending == .exited(4))
        let child = try #require(childPID(pidFile))
        for _ in 0..<100 where ProcessLiveness.isAlive(child) { usleep(20_000) }
        #expect(!ProcessLiveness.isAlive(child))
    }

    @Test func outputBeyondTheBoundIsDroppedAndMarked() throws {
        let runner = HandlerRunner()
        let spam = handler("spam", "#!/bin/sh\nhead -c 300000 /dev/zero | tr '\\0' x\n")
        let result = try #require(outcomes(runner, of: [run(1, spam)])[1])
        #expect(result.ending == .exited(0) && result.standardOutputOverflowed)
        #expect(result.standardOutput.count == HandlerRunner.maxStandardOutputBytes)
    }

    /// No shell anywhere: a file without `#!` is not run, nor one without the execute bit, nor a missing one.
    @Test func whatCannotBeExecutedFailsToStart() {
        let runner = HandlerRunner()
        let marker = directory.file("ran")
        let noShebang = handler("plain", "touch \(marker)\n")
        let notExecutable = handler("notexec", "#!/bin/sh\ntouch \(marker)\n", mode: 0o644)
        let results = outcomes(
            runner, of: [run(1, noShebang), run(2, notExecutable), run(3, directory.file("missing"))])
        #expect(results[1] == HandlerOutcome(.failedToStart("Exec format error")))
        #expect(results[2] == HandlerOutcome(.failedToStart("Permission denied")))
        #expect(results[3] == HandlerOutcome(.failedToStart("No such file or directory")))
        #expect(access(marker, F_OK) != 0)
    }

    /// The identity is asked once, at the first start (a lookup loads the system's name services); a refusal fails
    /// every start.
    @Test func aRefusingRunnerStartsNothing() {
        var asked = 0
        let runner = HandlerRunner(identity: {
            asked += 1
            return .failure(.noSuchUser("tedge"))
        })
        #expect(asked == 0)
        let marker = directory.file("ran")
        let script = handler("h", "#!/bin/sh\ntouch \(marker)\n")
        let results = outcomes(runner, of: [run(1, script), run(2, script)])
        #expect(asked == 1)
        #expect(
            results[1]?.ending
                == .failedToStart("handlers run as the user 'tedge' (operations.user), which does not exist, and never as root"))
        #expect(results[2] == results[1])
        #expect(access(marker, F_OK) != 0)
    }

    @Test func stopAllKillsEverything() throws {
        let runner = HandlerRunner()
        let slow = handler("slow", "#!/bin/sh\nsleep 60\n")
        runner.start(run(1, slow))
        runner.start(run(2, slow))
        let pids = runner.processIDs
        #expect(pids.count == 2)
        runner.stopAll()
        #expect(runner.processIDs.isEmpty)
        #expect(pids.allSatisfy { !ProcessLiveness.isAlive($0) })
    }

    @Test func identity() {
        #expect(HandlerIdentity.launcher(user: "tedge", effectiveUserID: 1000) == .success([]))
        #expect(HandlerIdentity.launcher(user: "root", effectiveUserID: 0) == .success([]))
        #expect(
            HandlerIdentity.launcher(user: "no-such-user-here", effectiveUserID: 0) == .failure(.noSuchUser("no-such-user-here")))
        if access(HandlerIdentity.setpriv, X_OK) == 0 {
            #expect(
                HandlerIdentity.launcher(user: "nobody", effectiveUserID: 0)
                    == .success([HandlerIdentity.setpriv, "--reuid=65534", "--regid=65534", "--init-groups", "--"]))
        }
    }

    /// The pid a handler wrote to a file.
    private func childPID(_ path: String) -> pid_t? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 64)
        guard fgets(&line, 64, file) != nil else { return nil }
        return pid_t(String(cString: line).filter { !$0.isWhitespace })
    }
}
