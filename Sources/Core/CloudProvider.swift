/// A cloud that tedge can connect to. A provider *describes*; Core *acts*: everything returned
/// here is a value that Core renders, runs or dispatches, and that a test can inspect.
///
/// The contract (checked for every provider by the contract kit):
/// - `id` is lower-case letters and digits, unique in the registry; `localPrefix` is `"<id>/"`.
/// - every config key is named `<id>.…`, has a doc line with an example, and validates its values.
/// - every bridge topic sits under `localPrefix` on the local side.
/// - converters never trap: any input gives output messages or an error.
public protocol CloudProvider: Sendable {
    /// `az`: what users type in `tedge connect az` and what names its files.
    var id: String { get }
    /// `Azure IoT Hub`: for listings.
    var displayName: String { get }
    /// `Azure`: in thin-edge's texts ("connect Azure cloud.", "Device is not connected to Azure cloud").
    var cloudName: String { get }
    /// `Azure` / `C8y`: in the disconnect texts ("Removing Azure bridge.").
    var bridgeName: String { get }
    /// `az/`: where the cloud's topics appear on the local broker.
    var localPrefix: String { get }
    /// `tedge-mapper-az`: the init-system service that runs this cloud's mapper.
    var mapperServiceName: String { get }

    /// The key holding the cloud endpoint (`az.url`).
    var urlKey: ConfigKey { get }
    /// The key holding the root CA file or directory for the bridge (`az.root.cert.path`).
    var rootCertificateKey: ConfigKey { get }
    /// All keys this provider contributes, `urlKey` and `rootCertificateKey` included.
    var configKeys: [ConfigKey] { get }

    var certificateRequirements: CertificateRequirements { get }

    /// The mosquitto bridge to the cloud.
    func bridge(_ context: BridgeContext) -> BridgeDescription
    /// How to tell, over the local broker and the bridge, that the cloud answers.
    func connectionCheck(_ context: BridgeContext) -> ConnectionCheck
    /// The mapper that turns Thin Edge JSON into this cloud's format; nil when the cloud has none.
    func mapper(_ config: TedgeConfig) -> MapperDescription?
    /// A check run after connecting whose failure is a warning (Cumulocity: the tenant the device
    /// reached is the configured one). nil when there is none.
    func postConnectCheck(_ context: BridgeContext) -> ConnectionCheck?
    /// `tedge cert upload <id>`: registers the device certificate in the cloud, reporting on `console`.
    func uploadCertificate(_ request: CertificateUploadRequest, console: Console) throws
}

extension CloudProvider {
    public func postConnectCheck(_ context: BridgeContext) -> ConnectionCheck? { nil }

    public func uploadCertificate(_ request: CertificateUploadRequest, console: Console) throws {
        throw Message("The \(cloudName) cloud takes no certificate upload from tedge. \(certificateRequirements.registrationHint)")
    }

    /// `<id>-bridge.conf` under `<config-dir>/mosquitto-conf/`.
    public var bridgeFileName: String { "\(id)-bridge.conf" }
}
