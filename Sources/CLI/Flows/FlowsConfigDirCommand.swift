import ArgumentParser
import TedgeSystem

struct FlowsConfigDirCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-dir", abstract: "Display the path to the directory of flows and steps")

    @Option(help: "Mapper name")
    var mapper = "local"

    @OptionGroup var global: GlobalOptions

    func run() throws {
        var location = FlowsLocation()
        location.mapper = mapper
        location.global = global
        Console.standardOutput.line(location.mapperFlowsDirectory)
    }
}
