import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// A device connected to the simulated IoT Hub (or AWS IoT Core) through `tedge connect az` (`aws`), over the
/// mosquitto bridge or the built-in one, with handlers in `<config-dir>/operations/<cloud>/` written by the test, and the service side through `tedge-cloud-sim`. As root, the
/// handlers run as `nobody` (`operations.user`), so every test also shows they never run as root.
final class OperationsDevice: @unchecked Sendable {
    let device: DeviceEnvironment
    /// A directory any user may write, for what the handlers record.
    let output: String

    /// `az` or `aws`.
    let cloud: String

    /// `mqtt.bridge.built_in`: the mapper holds the cloud connection itself.
    let builtInBridge: Bool

    init(
        cloud: String = "az", builtInBridge: Bool = false, timeoutSeconds: Int? = nil, handlers: [String: String] = [:]
    ) async throws {
        self.cloud = cloud
        self.builtInBridge = builtInBridge
        device = try await DeviceEnvironment()
        output = device.root + "/out"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        chmod(output, 0o777)
        try await device.startSimulator()
        try await device.prepare(cloud: cloud)
        if builtInBridge { try await device.useBuiltInBridge() }
        if getuid() == 0 { device.expectSuccess(try await device.tedge("config", "set", "operations.user", "nobody")) }
        if let timeoutSeconds {
            device.expectSuccess(try await device.tedge("config", "set", "operations.timeout", String(timeoutSeconds)))
        }
        for (name, script) in handlers { try handler(name, script) }
    }

    /// The service whose health says the cloud link is up.
    var linkService: String { builtInBridge ? "tedge-mapper-bridge-\(cloud)" : "mosquitto-\(cloud)-bridge" }

    var handlerDirectory: String { device.configDirectory + "/operations/\(cloud)" }

    /// Writes an executable handler (`desired/<key>` for a desired property's).
    func handler(_ name: String, _ script: String, mode: Int = 0o755) throws {
        let path = handlerDirectory + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode_t(mode))
    }

    func connect() async throws {
        device.expectSuccess(try await device.tedge("connect", cloud))
        await device.waitForMapperUp(cloud)
    }

    /// `tedge-cloud-sim invoke`: the status and payload the service side saw (504 when the device did not answer).
    func invoke(_ method: String, _ payload: String = "{}", timeout: Int = 20) async throws -> (status: Int, payload: String) {
        let result = try await device.simulatorCommand("invoke", "my-device", method, payload, "--timeout", String(timeout))
        guard case .success(.object(let members)) = JSONText.parse(Array(result.standardOutput.utf8)),
            case .integer(let status)? = members.first(where: { $0.key == "status" })?.value,
            let answer = members.first(where: { $0.key == "payload" })?.value
        else { throw TedgeError("invoke printed \(result.standardOutput) \(result.standardError)") }
        return (Int(status), JSONText.serialize(answer))
    }

    var mapperLog: String {
        (try? String(contentsOfFile: device.initState + "/tedge-mapper-\(cloud).log", encoding: .utf8)) ?? ""
    }

    func read(_ name: String) -> String? { try? String(contentsOfFile: output + "/" + name, encoding: .utf8) }

    /// Waits (bounded) for a file a handler writes.
    func waitFor(_ name: String, timeout: Duration = .seconds(15)) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = read(name), !text.isEmpty { return text }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return read(name)
    }

    /// Runs a `tedge-cloud-sim` command until its output holds `expected` (bounded); returns the last output.
    func simulatorOutput(_ arguments: String..., containing expected: String) async throws -> String {
        var output = ""
        for _ in 0..<100 {
            output = try await ChildProcess.run(
                [Binaries.simulator, arguments[0], "--dir", device.simulatorDirectory] + arguments.dropFirst()
            )
            .standardOutput
            if output.contains(expected) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return output
    }
}
