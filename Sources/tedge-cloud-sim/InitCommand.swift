import ArgumentParser
import TedgeCloudSimulator
import TedgeSystem

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the simulator's CA and server certificate; print the CA path (for az.root.cert.path)")

    @OptionGroup var directory: DirectoryOption

    func run() throws {
        do {
            Console.standardOutput.line(try SimulatorDirectory(path: directory.path).prepare())
        } catch {
            Console.standardError.write(CommandFailure("prepare the simulator directory", cause: error).description)
            throw ExitCode.failure
        }
    }
}
