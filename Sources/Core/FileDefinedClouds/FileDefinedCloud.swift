import TedgeProviderAPI
import TedgeProviderContract

/// A cloud defined by files, thin-edge 2.0's user-defined mapper (`<config-dir>/mappers/<name>/`): `mapper.toml`
/// (the connection), `bridge/*.toml` (the rules), `flows/` (the mapping). `FileDefinedCloudLoader` reads them; this
/// value only describes, like any provider, so `tedge connect <name>`, `tedge-mapper <name>`, `tedge config` and
/// either bridge (the mosquitto file or the built-in one, from the same `BridgeDescription`) take it as they take `az`.
public struct FileDefinedCloud: CloudProvider {
    public let id: String
    /// `<config-dir>/mappers/<name>`.
    public let directory: String
    let definition: MapperDefinition
    let ruleFiles: [BridgeRuleFile]
    /// What the loader found wrong in the files, each with its place.
    let loadProblems: [ContractViolation]

    init(
        name: String, directory: String, definition: MapperDefinition, ruleFiles: [BridgeRuleFile], problems: [ContractViolation]
    ) {
        id = name
        self.directory = directory
        self.definition = definition
        self.ruleFiles = ruleFiles
        loadProblems = problems
    }

    public var names: CloudNames { CloudNames(display: id, cloud: id) }
    public var mapperFile: String { directory + "/" + MapperDefinition.fileName }
    public var bridgeDirectory: String { directory + "/bridge" }
    public var flowsDirectory: String { directory + "/flows" }
    /// The bridge rule files read, in the order their rules apply.
    public var bridgeFiles: [String] { ruleFiles.map(\.path) }

    // MARK: configuration

    public var configKeys: [ConfigKey] { [urlConfigKey, rootCertificateConfigKey, deviceIDKey, certificatePathKey, keyPathKey] }

    var urlConfigKey: ConfigKey {
        ConfigKey(
            "\(id).url", kind: .connectURL, default: definition.url.map { .value($0.value) } ?? .none,
            doc:
                "The MQTT endpoint of the \(id) cloud, host[:port] (default: url in \(mapperFile)). Example: mqtt.example.com:8883",
            example: "mqtt.example.com")
    }

    var rootCertificateConfigKey: ConfigKey {
        ConfigKey(
            "\(id).root.cert.path", kind: .path,
            default: .value(definition.rootCertificatePath?.value ?? ConfigKey.systemCertificates),
            doc:
                "The CA file or directory that verifies the \(id) cloud (default: [device] root_cert_path in \(mapperFile)). Example: /etc/ssl/certs"
        )
    }

    var deviceIDKey: ConfigKey {
        ConfigKey(
            "\(id).device.id", kind: .string, default: definition.deviceID.map { .value($0.value) } ?? .none,
            doc:
                "The device's client id in the \(id) cloud; the certificate's CN when unset (default: [device] id in \(mapperFile)). Example: my-device"
        )
    }

    var certificatePathKey: ConfigKey {
        ConfigKey(
            "\(id).device.cert_path", kind: .path, default: definition.certificatePath.map { .value($0.value) } ?? .none,
            doc:
                "The device certificate for the \(id) cloud; device.cert.path when unset (default: [device] cert_path in \(mapperFile)). Example: /etc/tedge/device-certs/tedge-certificate.pem"
        )
    }

    var keyPathKey: ConfigKey {
        ConfigKey(
            "\(id).device.key_path", kind: .path, default: definition.keyPath.map { .value($0.value) } ?? .none,
            doc:
                "The device key for the \(id) cloud; device.key.path when unset (default: [device] key_path in \(mapperFile)). Example: /etc/tedge/device-certs/tedge-private-key.pem"
        )
    }

    public var certificateRequirements: CertificateRequirements {
        CertificateRequirements(
            clientCertificateRequired: true,
            registrationHint: definition.registrationHint
                ?? "Register the device certificate (`tedge cert show` prints it) in the \(id) cloud as its device credentials.")
    }

    // MARK: the bridge

    /// The variables of the bridge files for this configuration (certificate authentication: thin-edge's `auto`
    /// without credentials, the only one this bridge takes).
    func variables(_ config: TedgeConfig) -> BridgeVariables {
        BridgeVariables(config: config, mapper: definition.parameters, authMethod: "certificate")
    }

    /// The rules of the bridge files for `config`, with those skipped and the mistakes (for `tedge bridge inspect`).
    public func expandedBridgeRules(_ config: TedgeConfig) -> BridgeRuleExpansion {
        BridgeRuleExpansion(files: ruleFiles, variables: variables(config), cloud: id)
    }

    /// Rules that cannot be expanded are left out; `tedge mapper verify` names them and `tedge connect` refuses them.
    public func bridge(_ context: ConnectionContext) -> BridgeDescription {
        var description = BridgeDescription(
            connection: "edge_to_\(id)", address: context.cloud, remoteUsername: nil,
            rootCertificatePath: context.rootCertificatePath, remoteClientID: context.deviceID,
            localClientID: "tedge-bridge-\(id)",
            certificatePath: context.certificatePath, keyPath: context.keyPath, cleanSession: definition.cleanSession,
            topics: expandedBridgeRules(context.config).rules.map(\.bridgeTopic))
        if let keepAlive = definition.keepAliveSeconds {
            description.extraSettings.append(("keepalive_interval", String(keepAlive.value)))
        }
        description.cloudAcceptsWildcardSubscriptions = definition.wildcardSubscriptions
        return description
    }

    // MARK: the connection check

    public func connectionCheck(_ context: ConnectionContext) -> ConnectionCheck {
        let troubleshooting = { (extra: String) in
            """
            No response from the \(id) cloud. Check that:
              - \(id).url (\(context.cloud)) is the cloud's MQTT endpoint;
              - the device \(context.deviceID) is known to the cloud: \(certificateRequirements.registrationHint)
              - \(id).root.cert.path (\(context.rootCertificatePath)) holds the CA that signed the cloud's server certificate\(extra)
            """
        }
        guard let check = definition.connectionCheck else {
            // No check defined: one that cannot succeed, and `tedge mapper verify` says why.
            return ConnectionCheck(
                clientID: "check_connection_\(id)", subscriptions: [],
                request: MQTTMessage(topic: localPrefix + "connection-check", text: "", qos: .atLeastOnce),
                troubleshooting: "\(mapperFile) has no [connection_check]: add one to say how the cloud answers.",
                judge: { _ in .ignore })
        }
        let expected = check.responseContains
        return ConnectionCheck(
            clientID: "check_connection_\(id)", subscriptions: [check.responseTopic],
            request: MQTTMessage(topic: check.topic, text: check.payload, qos: .atLeastOnce), attempts: check.attempts,
            attemptTimeout: .seconds(check.timeoutSeconds),
            troubleshooting: check.troubleshooting
                ?? troubleshooting(";\n  - the bridge rules carry \(check.topic) out and \(check.responseTopic) back in."),
            judge: { answer in
                guard let expected else { return .success }
                return String(decoding: answer.payload, as: UTF8.self).containsText(expected) ? .success : .ignore
            })
    }

    // MARK: the mapper

    /// Its flows, run by the mapper on the topics they read; with no converter of its own.
    public func mapper(_ config: TedgeConfig) -> MapperDescription? {
        // Only a size the file sets bounds the mapper's inputs; thin-edge's default (256 MiB) would not bound its memory.
        let limit = definition.maxPayloadSize.line == nil ? nil : MessageSizeLimit(bytes: definition.maxPayloadSize.value)
        var description = MapperDescription(subscriptions: []) { FlowsOnlyConverter(inputLimit: limit) }
        description.flowsDirectory = flowsDirectory
        description.flowParameters = definition.parameters
        return description
    }
}
