import ArgumentParser

struct TedgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tedge",
        abstract: "tedge is the command line interface for thin-edge.io",
        version: "tedge 0.1.0",
        subcommands: [CertCommand.self, ConfigCommand.self, ConnectCommand.self, DisconnectCommand.self, MqttCommand.self])
}
