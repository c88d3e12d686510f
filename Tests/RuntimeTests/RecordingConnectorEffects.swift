import Glibc
import Synchronization
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

/// `ConnectorEffects` for the connector's unit tests: answers from a script, and a log of every
/// printed line (`> text`) and every effect (`restart mosquitto`, `write mosquitto-conf/az-bridge.conf`)
/// in the order they happened. Paths in the log are relative to the config directory.
final class RecordingConnectorEffects: ConnectorEffects {
    static let configDirectory = "/etc/tedge"

    /// What the device looks like and how each effect answers.
    struct Script {
        var config: TedgeConfig
        /// Files on the device, by path; directories are those holding a file or listed in `directories`.
        var files: [String: String] = [:]
        var directories: Set<String> = [ConfigKey.systemCertificates]
        /// The certificate's CN; nil: there is no readable certificate.
        var deviceID: String? = "my-device"
        var certificates: Result<[String], TedgeError> = .success([])
        var provisioning: Result<(settings: [String: String], report: String), TedgeError>? = nil
        /// nil: system.toml is missing, so systemd and the notice; otherwise its init system's name.
        var initSystem: String? = "local-init"
        var initSystemError: TedgeError? = nil
        var servicesAvailable = true
        var activeServices: Set<String> = ["mosquitto"]
        var mapperInstalled = true
        /// One answer per wait for the broker's port, in order; then true.
        var listening: [Bool] = []
        var mapperUp = true
        /// The built-in bridge reports up (`mqtt.bridge.built_in = true`).
        var bridgeUp = true
        /// Why the bridge is not up, as its metrics say, when `bridgeUp` is false.
        var bridgeCloudError = ""
        /// The connection check's outcomes, in order (the main check, then the post-connect check).
        var checks: [Result<ConnectionCheckRunner.Outcome, TedgeError>] = [.success(.success(attempt: 1))]
        /// Effects (as logged) that fail.
        var failing: Set<String> = []
        /// Effects that succeed this many times, then fail.
        var failingAfter: [String: Int] = [:]
    }

    private struct State {
        var script: Script
        var log: [String] = []
        var saved: TedgeConfig?
    }

    private let state: Mutex<State>
    let provider: any CloudProvider

    init(_ provider: any CloudProvider, settings: [String: String] = [:]) throws {
        self.provider = provider
        var config = TedgeConfig(
            schema: CloudRegistry([provider]).configSchema, directory: Self.configDirectory,
            deviceIDSource: nil)
        for (name, value) in settings { try config.set(try config.schema.requireKey(name), to: value) }
        state = Mutex(State(script: Script(config: config)))
    }

    func script(_ change: (inout Script) -> Void) { state.withLock { change(&$0.script) } }

    /// The connector under test, acting through this fake.
    var connector: CloudConnector {
        CloudConnector(provider: provider, configDirectory: Self.configDirectory, effects: self)
    }

    /// Every line and effect, in order.
    var log: [String] { state.withLock { $0.log } }
    /// Every line and effect without the empty line that follows each step.
    var steps: [String] { log.filter { $0 != ">" } }
    /// The printed lines only.
    var printed: [String] { log.filter { $0.hasPrefix(">") }.map { String($0.dropFirst(2)) } }
    /// The effects only.
    var actions: [String] { log.filter { !$0.hasPrefix(">") } }
    var savedConfig: TedgeConfig? { state.withLock { $0.saved } }
    var files: [String: String] { state.withLock { $0.script.files } }

    // MARK: recording

    /// Logs the effect and fails it when the script says so.
    private func act(_ effect: String) throws(TedgeError) {
        let fails = state.withLock { state in
            state.log.append(effect)
            if let successes = state.script.failingAfter[effect] {
                state.script.failingAfter[effect] = successes - 1
                if successes > 0 { return false }
            }
            return state.script.failing.contains(effect) || state.script.failingAfter[effect] != nil
        }
        if fails { throw TedgeError("\(effect) failed") }
    }

    private func relative(_ path: String) -> String {
        path.hasPrefix(Self.configDirectory + "/") ? String(path.dropFirst(Self.configDirectory.count + 1)) : path
    }

    // MARK: ConnectorEffects

    func line(_ text: String) { state.withLock { $0.log.append(text.isEmpty ? ">" : "> " + text) } }

    func loadConfig() throws -> TedgeConfig {
        try act("load tedge.toml")
        return state.withLock { $0.script.config }
    }

    func saveConfig(_ config: TedgeConfig) throws {
        try act("save tedge.toml")
        state.withLock { $0.saved = config }
    }

    func deviceID(_ files: DeviceCertificateFiles) throws -> String {
        try act("read \(relative(files.certificatePath))")
        guard let id = state.withLock({ $0.script.deviceID }) else { throw TedgeError("no certificate") }
        return id
    }

    func checkCertificates(_ check: BridgeCertificateCheck) throws -> [String] {
        try act("check certificates")
        return try state.withLock { $0.script.certificates }.get()
    }

    func provision(_ exchange: ProvisioningExchange, with files: DeviceCertificateFiles) async throws
        -> (settings: [String: String], report: String)
    {
        try act("provision at \(exchange.endpoint)")
        guard let outcome = state.withLock({ $0.script.provisioning }) else { throw TedgeError("no provisioning scripted") }
        return try outcome.get()
    }

    func fileExists(_ path: String) -> Bool {
        state.withLock { $0.script.files[path] != nil || $0.script.directories.contains(path) }
    }

    func isDirectory(_ path: String) -> Bool { state.withLock { $0.script.directories.contains(path) } }

    func createDirectories(_ path: String) throws {
        try act("mkdir \(relative(path))")
        state.withLock { _ = $0.script.directories.insert(path) }
    }

    func writeFile(_ text: String, to path: String, mode: mode_t, placement: AtomicFile.Placement) throws {
        try act("write \(relative(path))")
        state.withLock { $0.script.files[path] = text }
    }

    func removeFile(_ path: String) throws -> Bool {
        try act("remove \(relative(path))")
        return state.withLock { $0.script.files.removeValue(forKey: path) != nil }
    }

    func serviceManager() throws(TedgeError) -> (ServiceManager, notice: String?) {
        try act("read system.toml")
        let (name, error) = state.withLock { ($0.script.initSystem, $0.script.initSystemError) }
        if let error { throw error }
        let path = FileSystem.join(Self.configDirectory, InitSystem.fileName)
        guard let name else {
            return (
                ServiceManager(initSystem: .systemd, configPath: path),
                "The system config file '\(path)' doesn't exist. Use '/bin/systemctl' as a service manager."
            )
        }
        var initSystem = InitSystem.systemd
        initSystem.name = name
        return (ServiceManager(initSystem: initSystem, configPath: path), nil)
    }

    func isAvailable(_ services: ServiceManager) -> Bool {
        state.withLock { state in
            state.log.append("is \(services.name) available")
            return state.script.servicesAvailable
        }
    }

    func perform(_ action: ServiceManager.Action, _ service: String, with services: ServiceManager) throws(TedgeError) {
        try act("\(action.rawValue) \(service)")
    }

    func isActive(_ service: String, with services: ServiceManager) -> Bool {
        state.withLock { state in
            state.log.append("is \(service) active")
            return state.script.activeServices.contains(service)
        }
    }

    func isInstalled(_ program: String) -> Bool {
        state.withLock { state in
            state.log.append("find \(program)")
            return state.script.mapperInstalled
        }
    }

    func now() -> Int { 1_700_000_000 }

    func waitUntilListening(port: Int, timeout: Duration) async -> Bool {
        state.withLock { state in
            state.log.append("wait for port \(port)")
            return state.script.listening.isEmpty ? true : state.script.listening.removeFirst()
        }
    }

    func waitUntilUp(_ health: MapperHealth, port: Int, timeout: Duration, notBefore: Int) async -> Bool {
        state.withLock { state in
            state.log.append("wait for up on \(health.topic)")
            return state.script.mapperUp
        }
    }

    func waitUntilUp(_ bridge: BridgeService, port: Int, timeout: Duration) async -> String? {
        state.withLock { state in
            state.log.append("wait for up on \(bridge.healthTopic)")
            return state.script.bridgeUp ? nil : state.script.bridgeCloudError
        }
    }

    func runCheck(_ check: ConnectionCheck, port: Int, cloudName: String) async throws -> ConnectionCheckRunner.Outcome {
        let outcome = state.withLock { state in
            state.log.append("check \(check.clientID)")
            return state.script.checks.isEmpty ? .success(.noAnswer) : state.script.checks.removeFirst()
        }
        return try outcome.get()
    }
}
