import ArgumentParser
import Core
import Dispatch
import Glibc

/// Parses, runs, and reports failures the thin-edge way: `Error: failed to ...` on stderr, exit 1.
enum CommandRunner {
    static func run(_ root: ParsableCommand.Type, arguments: [String]) -> Never {
        let command: ParsableCommand
        do {
            command = try root.parseAsRoot(GlobalOptions.hoistConfigDirectory(arguments))
        } catch {
            let code = root.exitCode(for: error)
            let text = root.fullMessage(for: error)
            if code == .success {
                Console.standardOutput.line(text)
                exit(0)
            }
            Console.standardError.write(text + "\n")
            exit(1)
        }
        if let asyncCommand = command as? AsyncParsableCommand {
            nonisolated(unsafe) var mutable = asyncCommand
            Task {
                do {
                    try await mutable.run()
                    exit(0)
                } catch {
                    fail(error, root: root)
                }
            }
            dispatchMain()
        }
        do {
            var mutable = command
            try mutable.run()
            exit(0)
        } catch {
            fail(error, root: root)
        }
    }

    static func fail(_ error: Error, root: ParsableCommand.Type) -> Never {
        if let failure = error as? CommandFailure {
            Console.standardError.write(failure.description)
        } else if let exitCode = error as? ExitCode {
            exit(exitCode.rawValue)
        } else {
            Console.standardError.write(root.fullMessage(for: error) + "\n")
        }
        exit(1)
    }
}
