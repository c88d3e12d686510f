import Glibc
import TedgeProviderAPI
import TedgeSystem

/// The connector's effects on this device: tedge.toml through the store, files under the config
/// directory, the init system of its `system.toml`, the local broker on loopback.
public struct SystemConnectorEffects: ConnectorEffects {
    public let store: ConfigStore
    public let console: Console

    public init(store: ConfigStore, console: Console) {
        self.store = store
        self.console = console
    }

    public func line(_ text: String) { console.line(text) }

    public func loadConfig() throws -> TedgeConfig { try store.load() }
    public func saveConfig(_ config: TedgeConfig) throws { try store.save(config) }
    public func deviceID(_ files: DeviceCertificateFiles) throws -> String { try files.deviceID() }
    public func checkCertificates(_ check: BridgeCertificateCheck) throws -> [String] { try check.run(now: now()) }

    public func provision(_ exchange: ProvisioningExchange, with files: DeviceCertificateFiles) async throws
        -> (settings: [String: String], report: String)
    {
        try await ProvisioningRunner(certificatePath: files.certificatePath, keyPath: files.keyPath).run(exchange)
    }

    public func fileExists(_ path: String) -> Bool { FileSystem.exists(path) }
    public func isDirectory(_ path: String) -> Bool { FileSystem.isDirectory(path) }
    public func createDirectories(_ path: String) throws { try FileSystem.createDirectories(path) }

    public func writeFile(_ text: String, to path: String, mode: mode_t, placement: AtomicFile.Placement) throws {
        try AtomicFile.write(text, to: path, mode: mode, placement: placement)
    }

    public func removeFile(_ path: String) throws -> Bool { try FileSystem.remove(path) }

    public func serviceManager() throws(TedgeError) -> (ServiceManager, notice: String?) {
        let (initSystem, notice) = try InitSystem.load(configDirectory: store.directory)
        return (ServiceManager(initSystem: initSystem, configPath: FileSystem.join(store.directory, InitSystem.fileName)), notice)
    }

    public func isAvailable(_ services: ServiceManager) -> Bool { services.isAvailable() }

    public func perform(_ action: ServiceManager.Action, _ service: String, with services: ServiceManager) throws(TedgeError) {
        try services.perform(action, service)
    }

    public func isActive(_ service: String, with services: ServiceManager) -> Bool { services.isActive(service) }
    public func isInstalled(_ program: String) -> Bool { ExecutableLookup.find(program) != nil }

    public func now() -> Int { Int(time(nil)) }

    public func waitUntilListening(port: Int, timeout: Duration) async -> Bool {
        await PortProbe.waitUntilListening(port: port, timeout: timeout)
    }

    public func waitUntilUp(_ health: MapperHealth, port: Int, timeout: Duration, notBefore: Int) async -> Bool {
        await health.waitUntilUp(port: port, timeout: timeout, notBefore: notBefore)
    }

    public func waitUntilUp(_ bridge: BridgeService, port: Int, timeout: Duration) async -> String? {
        await bridge.waitUntilUp(port: port, timeout: timeout)
    }

    public func runCheck(_ check: ConnectionCheck, port: Int, cloudName: String) async throws -> ConnectionCheckRunner.Outcome {
        try await ConnectionCheckRunner(port: port, console: console).run(check, cloudName: cloudName)
    }
}
