import ArgumentParser
import Glibc
import TedgeProviderAPI
import TedgeSystem

/// Which flows a command reads: a mapper's (`<config-dir>/mappers/<mapper>[.<profile>]/flows`) or a directory's.
struct FlowsLocation: ParsableArguments {
    @Option(help: "Mapper name")
    var mapper = "local"

    @Option(help: ArgumentHelp("The mapper's cloud profile", valueName: "NAME"))
    var profile: String?

    @Option(
        name: .customLong("flows-dir"), help: "Path to the directory of flows and steps (default: the mapper's flows directory)")
    var flowsDirectory: String?

    @OptionGroup var global: GlobalOptions

    /// `<config-dir>/mappers/<mapper>/flows`, or `mappers/<mapper>.<profile>/flows` for a cloud profile, as thin-edge 2.x
    /// lays out a mapper's directory.
    var mapperFlowsDirectory: String {
        let name = profile.map { "\(mapper).\((try? CloudProfileName($0))?.description ?? $0)" } ?? mapper
        return FileSystem.join(FileSystem.join(FileSystem.join(global.resolvedConfigDirectory, "mappers"), name), "flows")
    }

    /// The profile's name checked (thin-edge's rules), before a directory is named after it.
    func checkProfile() throws(TedgeError) {
        if let profile { _ = try CloudProfileName(profile) }
    }

    var directory: String { flowsDirectory.map(FileSystem.absolute) ?? mapperFlowsDirectory }

    /// The directory; an error when it does not exist, as thin-edge refuses it.
    func existingDirectory() throws(CausedError) -> String {
        let directory = directory
        do { try checkProfile() } catch { throw CausedError("loading flows and steps from \(directory)", underlying: error) }
        guard FileSystem.isDirectory(directory) else {
            throw CausedError("loading flows and steps from \(directory)", underlying: TedgeError(SystemError.text(ENOENT)))
        }
        return directory
    }
}
