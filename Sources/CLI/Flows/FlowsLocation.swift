import ArgumentParser
import Glibc
import TedgeProviderAPI
import TedgeSystem

/// Which flows a command reads: a mapper's (`<config-dir>/mappers/<mapper>/flows`) or a directory's.
struct FlowsLocation: ParsableArguments {
    @Option(help: "Mapper name")
    var mapper = "local"

    @Option(
        name: .customLong("flows-dir"), help: "Path to the directory of flows and steps (default: the mapper's flows directory)")
    var flowsDirectory: String?

    @OptionGroup var global: GlobalOptions

    /// `<config-dir>/mappers/<mapper>/flows`, as thin-edge 2.0 lays out a mapper's directory.
    var mapperFlowsDirectory: String {
        FileSystem.join(FileSystem.join(FileSystem.join(global.resolvedConfigDirectory, "mappers"), mapper), "flows")
    }

    var directory: String { flowsDirectory.map(FileSystem.absolute) ?? mapperFlowsDirectory }

    /// The directory; an error when it does not exist, as thin-edge refuses it.
    func existingDirectory() throws(CausedError) -> String {
        let directory = directory
        guard FileSystem.isDirectory(directory) else {
            throw CausedError("loading flows and steps from \(directory)", underlying: TedgeError(SystemError.text(ENOENT)))
        }
        return directory
    }
}
