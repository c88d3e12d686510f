import ArgumentParser

struct BridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge", abstract: "Inspect the built-in bridge (mqtt.bridge.built_in)",
        subcommands: [BridgeStatusCommand.self])
}
