import ArgumentParser
import TedgeCloudSimulator
import TedgeProviderAPI
import TedgeSystem

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send a cloud-to-device message (like `az iot device c2d-message send`)")

    @OptionGroup var directory: DirectoryOption

    @Argument(help: "The device id") var device: String
    @Argument(help: "The message") var payload: String

    func run() async throws {
        do {
            let cloud = try await CloudSide.connect(directory: directory.path, name: "send")
            defer { cloud.client.disconnect() }
            // IoT Hub names the destination in the `$.to` property of every C2D message.
            let to = MessageProperties.encode("/devices/\(device)/messages/deviceBound")
            try await cloud.publish("devices/\(device)/messages/devicebound/%24.to=\(to)", payload)
            Console.standardOutput.line("Sent to \(device)")
        } catch {
            Console.standardError.write(CommandFailure("send a message to device \(device)", cause: error).description)
            throw ExitCode.failure
        }
    }
}
