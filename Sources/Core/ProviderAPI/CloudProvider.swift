/// A cloud that tedge can connect to. A provider *describes*; the runtime *acts*: everything returned
/// here is a value that the runtime renders, runs or dispatches, and that a test can inspect. This
/// module gives a provider no way to touch the network, processes or files.
///
/// The contract (checked for every provider by the contract kit):
/// - `id` is lower-case letters and digits, unique in the registry.
/// - every config key is named `<id>.…`, has a doc line with an example, and validates its values;
///   `<id>.url` (the endpoint) and `<id>.root.cert.path` (the bridge's CA) are among them.
/// - every bridge topic sits under `localPrefix` (`<id>/`) on the local side.
/// - converters never trap: any input gives output messages or an error.
public protocol CloudProvider: Sendable {
    /// `az`: what users type in `tedge connect az`; it names the files, topics and services too.
    var id: String { get }
    /// The names in listings and in thin-edge's sentences.
    var names: CloudNames { get }
    /// All keys this provider contributes.
    var configKeys: [ConfigKey] { get }
    var certificateRequirements: CertificateRequirements { get }

    /// The mosquitto bridge to the cloud.
    func bridge(_ context: ConnectionContext) -> BridgeDescription
    /// How to tell, over the local broker and the bridge, that the cloud answers.
    func connectionCheck(_ context: ConnectionContext) -> ConnectionCheck
    /// A check run after connecting whose failure is a warning (Cumulocity: the tenant the device
    /// reached is the configured one). nil when there is none.
    func postConnectCheck(_ context: ConnectionContext) -> ConnectionCheck?
    /// The mapper that turns Thin Edge JSON into this cloud's format; nil when the cloud has none.
    func mapper(_ config: TedgeConfig) -> MapperDescription?
    /// `tedge cert upload <id>`: the HTTPS exchange that registers the device certificate in the
    /// cloud; nil when the cloud takes no upload from tedge.
    func certificateUpload(_ request: CertificateUploadRequest) throws(TedgeError) -> HTTPSExchange?
    /// Zero-touch provisioning to run before connecting (Azure DPS: which hub the device belongs to);
    /// nil when the configuration needs none, which is always the case for most clouds.
    func provisioning(_ request: ProvisioningRequest) -> ProvisioningExchange?
}

extension CloudProvider {
    public func postConnectCheck(_ context: ConnectionContext) -> ConnectionCheck? { nil }

    public func certificateUpload(_ request: CertificateUploadRequest) throws(TedgeError) -> HTTPSExchange? { nil }

    public func provisioning(_ request: ProvisioningRequest) -> ProvisioningExchange? { nil }

    /// The provider itself, whether or not this value is one of its profiles (`ProfiledCloud`).
    public var unprofiled: any CloudProvider { (self as? ProfiledCloud)?.base ?? self }

    /// The cloud profile of this connection (`second` for `tedge connect az --profile second`); nil: the default one.
    public var profile: CloudProfileName? { (self as? ProfiledCloud)?.profile }
    /// `az`, or `az-second` for a profile: `<cloud>.bridge.topic_prefix`, which local topics and services are named by.
    public var topicPrefix: String { (self as? ProfiledCloud)?.prefix ?? id }
    /// `az`, or `az@second` for a profile: what names this connection's files, services and processes.
    public var connectionName: String { profile.map { "\(id)@\($0)" } ?? id }

    /// `az/`: where the cloud's topics appear on the local broker.
    public var localPrefix: String { "\(topicPrefix)/" }
    /// `tedge-mapper-az`, `tedge-mapper-az@second`: the init-system service (and lock) that runs this cloud's mapper.
    public var mapperServiceName: String { "tedge-mapper-\(connectionName)" }
    /// `tedge-mapper-az`, `tedge-mapper-az-second`: the mapper as a `te/` service (its health), named by the prefix.
    public var mapperHealthName: String { "tedge-mapper-\(topicPrefix)" }
    /// `az`, or `az.second` for a profile: the mapper's directory under `<config-dir>/mappers/` (its builtin flows in
    /// `flows/`), as thin-edge 2.x names it.
    public var mapperDirectoryName: String { profile.map { "\(id).\($0)" } ?? id }
    /// `<id>-bridge.conf` (`az@second-bridge.conf`) under `<config-dir>/mosquitto-conf/`.
    public var bridgeFileName: String { "\(connectionName)-bridge.conf" }

    /// `az/x` as this connection's local topic (`az-second/x` for a profile): for what the provider wrote under its own
    /// prefix outside its descriptions (a user-defined cloud's flows).
    public func localTopic(_ providerTopic: String) -> String {
        (self as? ProfiledCloud)?.relocation.outward(providerTopic) ?? providerTopic
    }

    /// The other way: `az-second/x` as the provider's `az/x`.
    public func providerTopic(_ localTopic: String) -> String {
        (self as? ProfiledCloud)?.relocation.inward(localTopic) ?? localTopic
    }

    /// This cloud as `profile` connects (nil: the default profile), and the configuration to describe it with:
    /// `config` with the profile selected. The provider itself for the default profile under the provider's prefix,
    /// or when the provider declares `<id>.bridge.topic_prefix` itself (AWS): it places its topics, and its default
    /// connection keeps the names it always had.
    public func connection(_ profile: CloudProfileName?, config: TedgeConfig) -> (cloud: any CloudProvider, config: TedgeConfig) {
        let base = unprofiled
        let selected = config.selecting(profile, of: base.id)
        let prefixName = "\(base.id).bridge.topic_prefix"
        let prefix = config.schema.key(named: prefixName).flatMap(selected.value(of:)) ?? base.id
        let placesItsTopics = base.configKeys.contains { $0.name == prefixName }
        if profile == nil && (prefix == base.id || placesItsTopics) { return (base, selected) }
        return (ProfiledCloud(base, profile: profile, prefix: prefix), selected)
    }

    /// `Azure IoT Hub`: for listings.
    public var displayName: String { names.display }
    /// `Azure`: in thin-edge's texts ("connect Azure cloud.", "Device is not connected to Azure cloud").
    public var cloudName: String { names.cloud }
    /// `Azure` / `C8y`: in the disconnect texts ("Removing Azure bridge.").
    public var bridgeName: String { names.bridge }

    /// `<id>.url`: the cloud endpoint.
    public var urlKey: ConfigKey { standardKey("url", kind: .connectURL) }
    /// `<id>.root.cert.path`: the root CA file or directory for the bridge.
    public var rootCertificateKey: ConfigKey {
        standardKey("root.cert.path", kind: .path, default: .value(ConfigKey.systemCertificates))
    }

    /// The provider's own key of that name; one by convention (`[<id>] <field>`) when it declares none,
    /// which the contract kit reports.
    private func standardKey(_ suffix: String, kind: ConfigValueKind, default value: ConfigKey.Default = .none)
        -> ConfigKey
    {
        let name = "\(id).\(suffix)"
        return configKeys.first { $0.name == name }
            ?? ConfigKey(name, kind: kind, default: value, doc: "\(names.cloud) \(suffix)")
    }
}
