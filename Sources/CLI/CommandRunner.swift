import ArgumentParser
import Dispatch
import Glibc
import TedgeSystem

/// Parses, runs, and reports failures the thin-edge way: `Error: failed to ...` on stderr, exit 1.
enum CommandRunner {
    static func run(_ root: ParsableCommand.Type, arguments: [String]) -> Never {
        let command: ParsableCommand
        do {
            command = try root.parseAsRoot(GlobalOptions.hoistConfigDirectory(arguments))
        } catch {
            finish(error, root: root)
        }
        if let asyncCommand = command as? AsyncParsableCommand {
            nonisolated(unsafe) var mutable = asyncCommand
            Task {
                do {
                    try await mutable.run()
                    exit(0)
                } catch {
                    finish(error, root: root)
                }
            }
            dispatchMain()
        }
        do {
            var mutable = command
            try mutable.run()
            exit(0)
        } catch {
            finish(error, root: root)
        }
    }

    /// Help and version requests succeed on stdout; every other failure exits 1.
    static func finish(_ error: Error, root: ParsableCommand.Type) -> Never {
        if let failure = error as? CommandFailure {
            Console.standardError.write(failure.description)
            exit(1)
        }
        let code = root.exitCode(for: error)
        let text = root.fullMessage(for: error)
        if code == .success {
            if !text.isEmpty { Console.standardOutput.line(text) }
            exit(0)
        }
        if !text.isEmpty { Console.standardError.line(text) }
        exit(1)
    }
}
