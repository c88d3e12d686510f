import ArgumentParser
import TedgeSystem

struct TedgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tedge",
        abstract: "tedge is the command line interface for thin-edge.io",
        version: "tedge \(TedgeVersion.current)",
        subcommands: [
            BridgeCommand.self, CertCommand.self, ConfigCommand.self, ConnectCommand.self, DisconnectCommand.self,
            FlowsCommand.self, MqttCommand.self,
        ])
}
