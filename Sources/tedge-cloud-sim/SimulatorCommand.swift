import ArgumentParser

/// The local cloud simulator (Azure IoT Hub, Cumulocity, AWS IoT Core, and any MQTT cloud with `run --echo`):
/// `tedge-cloud-sim init | register | enroll | run | publish`, the IoT Hub service side: `monitor | twin | invoke | send`,
/// and AWS IoT Core's shadows: `shadow`.
@main
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tedge-cloud-sim",
        abstract:
            "A local stand-in for the clouds (Azure IoT Hub, Cumulocity, AWS IoT Core, any MQTT cloud with --echo): TLS with device certificates on loopback, for demos and tests",
        subcommands: [
            InitCommand.self, RegisterCommand.self, EnrollCommand.self, RunCommand.self, PublishCommand.self,
            MonitorCommand.self, TwinCommand.self, InvokeCommand.self, SendCommand.self, ShadowCommand.self,
        ])
}

struct DirectoryOption: ParsableArguments {
    @Option(name: .customLong("dir"), help: ArgumentHelp("The simulator's state directory", valueName: "DIR"))
    var path: String
}
