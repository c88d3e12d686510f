import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// One simulated device for a test: its own config dir, init-system state, broker directory and
/// MQTT port, and optionally a running cloud simulator. Every process it starts is stopped by PID.
final class DeviceEnvironment: @unchecked Sendable {
    let root: String
    let configDirectory: String
    let initState: String
    let brokerDirectory: String
    let binDirectory: String
    let mqttPort: Int
    private(set) var simulator: ChildProcess?
    private(set) var simulatorTLSPort = 0
    private(set) var simulatorBackendPort = 0
    private(set) var simulatorHTTPSPort = 0
    /// The simulated Device Provisioning Service's id scope, from the ready line.
    private(set) var simulatorIDScope = ""
    let simulatorDirectory: String

    init() async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tedge-e2e-\(UUID().uuidString.prefix(8))").path
        configDirectory = root + "/etc"
        initState = root + "/init"
        brokerDirectory = root + "/broker"
        binDirectory = root + "/bin"
        simulatorDirectory = root + "/sim"
        mqttPort = PortProbe.freePort()
        try FileManager.default.createDirectory(atPath: binDirectory, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: binDirectory + "/tedge-mapper", withDestinationPath: Binaries.mapper)
        try FileManager.default.createSymbolicLink(atPath: binDirectory + "/tedge", withDestinationPath: Binaries.tedge)
        let setup = try await ChildProcess.run(
            [
                Binaries.script("setup-local-device"), configDirectory, initState, brokerDirectory,
                String(mqttPort), Binaries.script("local-init"),
            ], environment: environment)
        guard setup.status.succeeded else { throw TedgeError("setup-local-device failed: \(setup.standardError)") }
    }

    var environment: [String: String] {
        ["PATH": binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// Runs `tedge --config-dir <dir> <arguments>`.
    @discardableResult
    func tedge(_ arguments: String...) async throws -> ChildProcess.Output {
        try await ChildProcess.run([Binaries.tedge, "--config-dir", configDirectory] + arguments, environment: environment)
    }

    func tedge(arguments: [String], extraEnvironment: [String: String] = [:]) async throws -> ChildProcess.Output {
        try await ChildProcess.run(
            [Binaries.tedge, "--config-dir", configDirectory] + arguments,
            environment: environment.merging(extraEnvironment) { $1 })
    }

    // MARK: the cloud

    var simulatorLog: String { root + "/sim.log" }

    func startSimulator(extraArguments: [String] = []) async throws {
        let (child, fields) = try await Self.spawnSimulator(directory: simulatorDirectory, log: simulatorLog, extraArguments)
        simulator = child
        simulatorTLSPort = Int(fields["tls_port"] ?? "") ?? 0
        simulatorBackendPort = Int(fields["backend_port"] ?? "") ?? 0
        simulatorHTTPSPort = Int(fields["https_port"] ?? "") ?? 0
        simulatorIDScope = fields["id_scope"] ?? ""
    }

    /// Another cloud beside the first (a second IoT Hub for a cloud profile), with its own directory and CA.
    struct ExtraSimulator {
        let directory: String
        let tlsPort: Int
        let backendPort: Int
        var caPath: String { directory + "/ca.pem" }
    }

    private var extraSimulators: [ChildProcess] = []

    func startExtraSimulator(_ name: String, extraArguments: [String] = []) async throws -> ExtraSimulator {
        let directory = root + "/\(name)"
        let (child, fields) = try await Self.spawnSimulator(directory: directory, log: root + "/\(name).log", extraArguments)
        extraSimulators.append(child)
        return ExtraSimulator(
            directory: directory, tlsPort: Int(fields["tls_port"] ?? "") ?? 0, backendPort: Int(fields["backend_port"] ?? "") ?? 0
        )
    }

    /// Starts `tedge-cloud-sim run` and waits for its next `ready key=value…` line, whose fields it returns.
    private static func spawnSimulator(directory: String, log: String, _ extraArguments: [String]) async throws
        -> (ChildProcess, [String: String])
    {
        let readyBefore = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").filter {
            $0.hasPrefix("ready ")
        }.count
        let child = try ChildProcess.spawn(
            [Binaries.simulator, "run", "--dir", directory] + extraArguments, standardOutput: log, standardError: log)
        for _ in 0..<400 {
            if let text = try? String(contentsOfFile: log, encoding: .utf8),
                case let readyLines = text.split(separator: "\n").filter({ $0.hasPrefix("ready ") }),
                readyLines.count > readyBefore,
                let ready = readyLines.last
            {
                let fields = Dictionary(
                    uniqueKeysWithValues: ready.split(separator: " ").dropFirst().compactMap { pair -> (String, String)? in
                        let parts = pair.split(separator: "=", maxSplits: 1)
                        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
                    })
                return (child, fields)
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        child.stop()
        throw TedgeError("The simulator did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// Stops the simulator and starts it again on the same ports, with the same state.
    func restartSimulator(downtime: Duration) async throws {
        await stopSimulator()
        try await Task.sleep(for: downtime)
        try await startSimulator(extraArguments: [
            "--port", String(simulatorTLSPort), "--backend-port", String(simulatorBackendPort),
        ])
    }

    func stopSimulator() async {
        if let simulator { await OwnThread.run { simulator.stop() } }
        simulator = nil
    }

    var caPath: String { simulatorDirectory + "/ca.pem" }
    var certificatePath: String { configDirectory + "/device-certs/tedge-certificate.pem" }
    var keyPath: String { configDirectory + "/device-certs/tedge-private-key.pem" }

    func register(certificate: String? = nil, in directory: String? = nil) async throws {
        let result = try await ChildProcess.run([
            Binaries.simulator, "register", "--dir", directory ?? simulatorDirectory, "--certificate",
            certificate ?? certificatePath,
        ])
        guard result.status.succeeded else { throw TedgeError("register failed: \(result.standardError)") }
    }

    /// Runs `tedge-cloud-sim <subcommand> --dir <simulator dir> <arguments>`.
    @discardableResult
    func simulatorCommand(_ subcommand: String, _ arguments: String...) async throws -> ChildProcess.Output {
        try await ChildProcess.run([Binaries.simulator, subcommand, "--dir", simulatorDirectory] + arguments)
    }

    /// A client on the simulator's cloud-side broker (another simulator's with `port`), to watch and inject cloud traffic.
    func cloudClient(subscribing filters: [String], port: Int? = nil) async throws -> (MQTTClient, MessageInbox) {
        try await client(port: port ?? simulatorBackendPort, name: "observer", subscribing: filters)
    }

    /// A client on the device's local broker.
    func localClient(subscribing filters: [String]) async throws -> (MQTTClient, MessageInbox) {
        try await client(port: mqttPort, name: "local", subscribing: filters)
    }

    private func client(port: Int, name: String, subscribing filters: [String]) async throws -> (MQTTClient, MessageInbox) {
        let client = try MQTTClient(.init(host: "127.0.0.1", port: port, clientID: "\(name)-\(UUID().uuidString.prefix(6))"))
        for filter in filters { try client.subscribe(filter, qos: .atLeastOnce) }
        let inbox = MessageInbox(client)
        try client.connect()
        try await client.waitUntilSubscribed(timeout: .seconds(10))
        return (client, inbox)
    }

    /// Cert, registration and az.* config, ready for `tedge connect az`.
    func prepareAzure(deviceID: String = "my-device") async throws {
        try await prepare(cloud: "az", deviceID: deviceID)
    }

    /// Cert, registration and `<cloud>.url` / `<cloud>.root.cert.path`, ready for `tedge connect <cloud>`.
    func prepare(cloud: String, deviceID: String = "my-device") async throws {
        if !FileManager.default.fileExists(atPath: certificatePath) {
            try await expectSuccess(tedge("cert", "create", "--device-id", deviceID))
            try await register()
        }
        try await expectSuccess(tedge("config", "set", "\(cloud).url", "localhost:\(simulatorTLSPort)"))
        try await expectSuccess(tedge("config", "set", "\(cloud).root.cert.path", caPath))
    }

    /// Waits until `tedge-mapper-<cloud>` reports up on the local broker.
    func waitForMapperUp(_ cloud: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        await MapperHealth(serviceName: "tedge-mapper-\(cloud)").expectUp(port: mqttPort, sourceLocation: sourceLocation)
    }

    var bridgeFile: String { configDirectory + "/mosquitto-conf/az-bridge.conf" }
    var brokerLog: String { brokerDirectory + "/mosquitto.log" }

    func expectSuccess(_ output: ChildProcess.Output, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            output.status == .exited(0), "stdout: \(output.standardOutput)\nstderr: \(output.standardError)",
            sourceLocation: sourceLocation)
    }

    func pid(of service: String) -> Int32? {
        (try? String(contentsOfFile: initState + "/\(service).pid", encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    deinit {
        // Every service local-init started here (the clouds' mappers, profiles' and user-defined ones too, and
        // mosquitto last).
        let services = Set(
            ((try? FileManager.default.contentsOfDirectory(atPath: initState)) ?? [])
                .compactMap { file in
                    [".command", ".pid"].first(where: file.hasSuffix).map { String(file.dropLast($0.count)) }
                })
        for service in services.filter({ $0 != "mosquitto" }) + ["mosquitto"] {
            _ = try? ChildProcess.run([Binaries.script("local-init"), initState, "stop", service])
        }
        simulator?.stop()
        for extra in extraSimulators { extra.stop() }
        try? FileManager.default.removeItem(atPath: root)
    }
}
