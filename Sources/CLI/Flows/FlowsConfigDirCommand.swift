import ArgumentParser
import TedgeSystem

struct FlowsConfigDirCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-dir", abstract: "Display the path to the directory of flows and steps")

    @Option(help: "Mapper name")
    var mapper = "local"

    @Option(help: ArgumentHelp("The mapper's cloud profile", valueName: "NAME"))
    var profile: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        var location = FlowsLocation()
        location.mapper = mapper
        location.profile = profile
        location.global = global
        do { try location.checkProfile() } catch { throw CommandFailure("display the flows directory", cause: error) }
        Console.standardOutput.line(location.mapperFlowsDirectory)
    }
}
