import Glibc
import TedgeProviderAPI
import TedgeSystem

/// Everything `CloudConnector` does to the device: print, read and write files, drive the init
/// system, wait for the broker and the mapper, run the provider's checks and provisioning. The
/// connector decides what happens in which order, with which texts and which rollback; this carries
/// it out. `SystemConnectorEffects` is the real one; tests hand in a recording fake.
public protocol ConnectorEffects: Sendable {
    /// One line of the transcript.
    func line(_ text: String)

    // MARK: configuration and the device certificate

    func loadConfig() throws -> TedgeConfig
    func saveConfig(_ config: TedgeConfig) throws
    /// The device id, read from the certificate.
    func deviceID(_ files: DeviceCertificateFiles) throws -> String
    /// Warnings to print; throws what refuses the connection.
    func checkCertificates(_ check: BridgeCertificateCheck) throws -> [String]
    /// The settings the provisioning service assigned and the report line.
    func provision(_ exchange: ProvisioningExchange, with files: DeviceCertificateFiles) async throws
        -> (settings: [String: String], report: String)

    // MARK: files

    func fileExists(_ path: String) -> Bool
    func isDirectory(_ path: String) -> Bool
    func createDirectories(_ path: String) throws
    /// Written atomically: the file is whole or absent.
    func writeFile(_ text: String, to path: String, mode: mode_t, placement: AtomicFile.Placement) throws
    /// False when there was no such file.
    func removeFile(_ path: String) throws -> Bool

    // MARK: services

    /// The init system from `system.toml`, and a notice when there is none.
    func serviceManager() throws(TedgeError) -> (ServiceManager, notice: String?)
    func isAvailable(_ services: ServiceManager) -> Bool
    func perform(_ action: ServiceManager.Action, _ service: String, with services: ServiceManager) throws(TedgeError)
    func isActive(_ service: String, with services: ServiceManager) -> Bool
    func isInstalled(_ program: String) -> Bool

    // MARK: waiting and checking

    /// Seconds since the epoch.
    func now() -> Int
    func waitUntilListening(port: Int, timeout: Duration) async -> Bool
    func waitUntilUp(_ health: MapperHealth, port: Int, timeout: Duration, notBefore: Int) async -> Bool
    /// Waits for the mapper's built-in bridge to report both halves connected (`mqtt.bridge.built_in = true`): nil
    /// when it did, otherwise why not as far as the bridge said (its metrics' `cloud_error`; empty when it said nothing).
    func waitUntilUp(_ bridge: BridgeService, port: Int, timeout: Duration) async -> String?
    /// Throws when the local broker itself cannot be used.
    func runCheck(_ check: ConnectionCheck, port: Int, cloudName: String) async throws -> ConnectionCheckRunner.Outcome
}
