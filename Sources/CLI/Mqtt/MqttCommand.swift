import ArgumentParser

struct MqttCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt", abstract: "Publish a message on a topic and subscribe a topic",
        subcommands: [MqttPublishCommand.self, MqttSubscribeCommand.self])
}
