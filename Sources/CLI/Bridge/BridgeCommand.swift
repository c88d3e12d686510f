import ArgumentParser

/// `tedge bridge inspect | test | status`: the topics a cloud's bridge carries, where one topic would go, and how the
/// built-in bridge is doing.
struct BridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge",
        abstract: "Inspect a cloud's bridge rules, test where a topic is forwarded, read the built-in bridge's status",
        subcommands: [BridgeInspectCommand.self, BridgeTestCommand.self, BridgeStatusCommand.self])
}
