import ArgumentParser

/// `tedge bridge inspect | test`: the topics a cloud's bridge carries, and where one topic would go.
struct BridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge", abstract: "Inspect a cloud's bridge rules and test where a topic is forwarded",
        subcommands: [BridgeInspectCommand.self, BridgeTestCommand.self])
}
