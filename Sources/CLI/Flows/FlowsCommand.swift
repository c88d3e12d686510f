import ArgumentParser

struct FlowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows", abstract: "Manage and test the mapping flows of a mapper",
        subcommands: [FlowsListCommand.self, FlowsTestCommand.self, FlowsConfigDirCommand.self])
}
