import ArgumentParser
import TedgeCloudSimulator
import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish on the cloud side, e.g. a cloud-to-device message to devices/<id>/messages/devicebound/")

    @OptionGroup var directory: DirectoryOption

    @Argument(help: "Cloud-side topic") var topic: String
    @Argument(help: "Payload") var payload: String

    func run() async throws {
        do {
            guard let endpoint = SimulatorDirectory(path: directory.path).endpoint() else {
                throw TedgeError("The simulator in \(directory.path) is not running")
            }
            let client = try MQTTClient(
                .init(host: "127.0.0.1", port: endpoint.backendPort, clientID: "tedge-cloud-sim-publish", cleanSession: true))
            try client.connect()
            try await client.waitUntilConnected(timeout: .seconds(10))
            let mid = try client.publish(MQTTMessage(topic: topic, text: payload, qos: .atLeastOnce))
            try await client.waitForDelivery(of: mid, timeout: .seconds(10))
            client.disconnect()
        } catch {
            Console.standardError.write(CommandFailure("publish on the simulated cloud", cause: error).description)
            throw ExitCode.failure
        }
    }
}
