import ArgumentParser
import TedgeCloudSimulator
import TedgeProviderAPI
import TedgeSystem

struct TwinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "twin",
        abstract:
            "Print a device's twin; --desired patches its desired properties and pushes the patch to the device; --reported prints what the device reported"
    )

    @OptionGroup var directory: DirectoryOption

    @Argument(help: "The device id") var device: String

    @Option(
        name: [.customLong("desired"), .customLong("set-desired")],
        help: ArgumentHelp("A JSON object merged into the desired properties (null removes one)", valueName: "JSON"))
    var desired: String?

    @Flag(help: "Print only the reported properties") var reported = false

    func run() async throws {
        do {
            let twins = TwinStore(simulator: SimulatorDirectory(path: directory.path))
            if let desired {
                let patch: JSONValue
                switch JSONText.parse(Array(desired.utf8)) {
                case .success(let value): patch = value
                case .failure(let error): throw TedgeError("--desired is not JSON: \(error)")
                }
                // Connect first, so a simulator that is not running changes nothing.
                let cloud = try await CloudSide.connect(directory: directory.path, name: "twin")
                defer { cloud.client.disconnect() }
                let version = try twins.patchDesired(of: device, with: patch)
                let pushed = TwinStore.setting("$version", to: .integer(version), in: patch)
                try await cloud.publish(
                    "devices/\(device)/$iothub/twin/PATCH/properties/desired/?$version=\(version)", JSONText.serialize(pushed))
            }
            let twin = try twins.document(of: device)
            let shown = reported ? TwinStore.member("reported", of: twin) ?? .object([]) : twin
            Console.standardOutput.line(JSONText.serialize(shown))
        } catch {
            Console.standardError.write(
                CommandFailure(desired == nil ? "read the twin of \(device)" : "update the twin of \(device)", cause: error)
                    .description)
            throw ExitCode.failure
        }
    }
}
