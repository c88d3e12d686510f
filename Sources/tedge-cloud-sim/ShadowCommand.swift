import ArgumentParser
import TedgeCloudSimulator
import TedgeProviderAPI
import TedgeSystem

struct ShadowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shadow",
        abstract:
            "Print a thing's named shadow (AWS IoT Core); --desired updates its desired state and publishes the update to the device"
    )

    @OptionGroup var directory: DirectoryOption

    @Argument(help: "The thing name (the device id)") var thing: String

    @Option(help: "The shadow's name") var name = "tedge"

    @Option(help: ArgumentHelp("A JSON object merged into the desired state (null removes a key)", valueName: "JSON"))
    var desired: String?

    @Flag(help: "Print only the reported state") var reported = false

    func run() async throws {
        do {
            let shadows = ShadowStore(simulator: SimulatorDirectory(path: directory.path))
            if let desired {
                guard case .success(let patch) = JSONText.parse(Array(desired.utf8)) else {
                    throw TedgeError("--desired is not JSON")
                }
                // Connect first, so a simulator that is not running changes nothing.
                let cloud = try await CloudSide.connect(directory: directory.path, name: "shadow")
                defer { cloud.client.disconnect() }
                let request = ShadowRequest(thing: thing, name: name, operation: .update)
                let update = JSONText.serialize(.object([("state", .object([("desired", patch)]))]))
                for answer in request.answers(payload: Array(update.utf8), shadows: shadows, timestamp: UnixTime.now().seconds) {
                    try await cloud.publish(answer.topic, answer.payload)
                }
            }
            let shadow = try shadows.document(thing: thing, name: name) ?? .object([])
            let state = TwinStore.member("state", of: shadow)
            Console.standardOutput.line(
                JSONText.serialize(reported ? TwinStore.member("reported", of: state ?? .null) ?? .object([]) : shadow))
        } catch {
            Console.standardError.write(CommandFailure("read the shadow \(name) of \(thing)", cause: error).description)
            throw ExitCode.failure
        }
    }
}
