import TedgeProviderAPI

/// Azure IoT Hub: device certificate registered by thumbprint, MQTT bridge on 8883.
public struct AzureProvider: CloudProvider {
    public init() {}

    public let id = "az"
    public let names = CloudNames(display: "Azure IoT Hub", cloud: "Azure")

    public static let url = ConfigKey(
        "az.url", kind: .connectURL,
        doc: "Tenant endpoint URL of Azure IoT tenant. Example:  MyAzure.azure-devices.net",
        example: "MyAzure.azure-devices.net", legacyTable: "azure")
    public static let rootCertPath = ConfigKey(
        "az.root.cert.path", kind: .path,
        default: .value(ConfigKey.systemCertificates),
        doc:
            "Path where Azure IoT root certificate(s) are located. Example: /home/user/.tedge/azure-trusted-root-certificates.pem",
        legacyTable: "azure")
    public static let mapperTimestamp = ConfigKey(
        "az.mapper.timestamp", kind: .flag,
        default: .value("true"), doc: "Boolean whether Azure mapper should add timestamp or not. Example: true")
    public static let mapperMessageProperties = ConfigKey(
        "az.mapper.message_properties", kind: .flag, default: .value("true"),
        doc: "Boolean whether Azure mapper should mark messages as UTF-8 JSON, so IoT Hub can route on the body. Example: true")

    public static let mapperTimestampFormat = ConfigKey(
        "az.mapper.timestamp_format", table: "az", field: "mapper_timestamp_format", kind: .timeFormat,
        default: .value(TimeFormat.unix.rawValue),
        doc: "The format that will be used by the mapper when sending timestamps to Azure IoT. Example: rfc-3339, unix")
    public static let mapperMaxPayloadSize = ConfigKey(
        "az.mapper.mqtt.max_payload_size", table: "az", field: "mapper_mqtt_max_payload_size", kind: .positiveInteger,
        default: .value(String(AzureConverter.maxPayloadSize)),
        doc: "The maximum message payload size that can be mapped to the cloud via MQTT. Example: 262144")
    public static let topics = ConfigKey(
        "az.topics", table: "az", field: "topics", kind: .string,
        default: .value(TopicSchema().telemetryFilters.joined(separator: ",")),
        doc: "Set of MQTT topics the Azure IoT mapper should subscribe to. Example: te/+/+/+/+/a/+,te/+/+/+/+/m/+,te/+/+/+/+/e/+")

    public static let dpsIDScope = ConfigKey(
        "az.dps.id_scope", kind: .string,
        doc:
            "ID scope of the Azure Device Provisioning Service; with it and no az.url, `tedge connect az` asks DPS for the hub. Example: 0ne00000001",
        example: "0ne00000001")
    public static let dpsURL = ConfigKey(
        "az.dps.url", kind: .connectURL,
        default: .value("global.azure-devices-provisioning.net"),
        doc:
            "Endpoint of the Azure Device Provisioning Service (host[:port], port 8883 by default). Example: global.azure-devices-provisioning.net",
        example: "global.azure-devices-provisioning.net")

    public var configKeys: [ConfigKey] {
        [
            Self.url, Self.rootCertPath, Self.mapperTimestamp, Self.mapperMessageProperties, Self.mapperTimestampFormat,
            Self.mapperMaxPayloadSize, Self.topics, Self.dpsIDScope, Self.dpsURL,
        ]
    }

    public let certificateRequirements = CertificateRequirements(
        clientCertificateRequired: true,
        registrationHint:
            "Register the device in the IoT Hub as \"X.509 Self-Signed\" with the thumbprint that `tedge cert show` prints.",
        // Baltimore CyberTrust Root, the documentation's example, expired on 2025-05-12.
        recommendedRootCertificate: "DigiCert Global Root G2",
        // IoT Hub keeps two thumbprints per device, so the old certificate works until the new one does.
        renewalHint:
            "In the IoT Hub, set the new thumbprint as the device's secondary thumbprint, reconnect, then make it the primary too."
    )

    /// Azure's device-facing MQTT API (1.x topic set: devicebound is bridged in, twin and direct methods both ways),
    /// with desired-property patches in and only reported patches out (a device may patch nothing else), and the
    /// bridge's state on `te/…/mosquitto-az-bridge/status/health` (1.x's notifications), so the mapper reads the
    /// twin again whenever the bridge reconnects.
    public func bridge(_ context: ConnectionContext) -> BridgeDescription {
        let device = "devices/\(context.deviceID)/"
        var bridge = BridgeDescription(
            connection: "edge_to_az",
            address: context.cloud,
            remoteUsername: "\(context.cloud.host)/\(context.deviceID)/?api-version=2018-06-30",
            rootCertificatePath: context.rootCertificatePath,
            remoteClientID: context.deviceID,
            localClientID: "Azure",
            certificatePath: context.certificatePath,
            keyPath: context.keyPath,
            cleanSession: false,
            topics: [
                BridgeTopic("messages/events/#", .outbound, qos: 1, local: "az/", remote: device),
                BridgeTopic("messages/devicebound/#", .inbound, qos: 1, local: "az/", remote: device),
                BridgeTopic("methods/POST/#", .inbound, qos: 1, local: "az/", remote: "$iothub/"),
                BridgeTopic("methods/res/#", .outbound, qos: 1, local: "az/", remote: "$iothub/"),
                BridgeTopic("twin/res/#", .inbound, qos: 1, local: "az/", remote: "$iothub/"),
                BridgeTopic("twin/GET/#", .outbound, qos: 1, local: "az/", remote: "$iothub/"),
                BridgeTopic("twin/PATCH/properties/reported/#", .outbound, qos: 1, local: "az/", remote: "$iothub/"),
                BridgeTopic("twin/PATCH/properties/desired/#", .inbound, qos: 1, local: "az/", remote: "$iothub/"),
            ])
        bridge.notifications = true
        bridge.notificationsLocalOnly = true
        bridge.notificationTopic = context.config.bridgeNotificationTopic(service: "mosquitto-az-bridge")
        return bridge
    }

    /// Twin GET request; IoT Hub answers on `$iothub/twin/res/<status>/?$rid=1`, bridged to `az/twin/res/#`.
    public func connectionCheck(_ context: ConnectionContext) -> ConnectionCheck {
        ConnectionCheck(
            clientID: "check_connection_az",
            subscriptions: ["az/twin/res/#"],
            request: MQTTMessage(topic: "az/twin/GET/?$rid=1", payload: [], qos: .atLeastOnce),
            troubleshooting: """
                No response from Azure IoT Hub. Check that:
                  - az.url (\(context.cloud.host)) is the host name of your IoT Hub;
                  - the device \(context.deviceID) is registered in the hub with the thumbprint `tedge cert show` prints;
                  - az.root.cert.path (\(context.rootCertificatePath)) holds the CA that signed the hub's server certificate.
                """,
            judge: { answer in
                answer.topic.containsText("200") ? .success : .failure("Azure IoT Hub answered on \(answer.topic)")
            })
    }

    /// Provisioning through DPS when an id scope is set and no hub is: the hub DPS assigns becomes az.url.
    public func provisioning(_ request: ProvisioningRequest) -> ProvisioningExchange? {
        let config = request.config
        guard config.storedValue(of: Self.url) == nil, let scope = config.value(of: Self.dpsIDScope), !scope.isEmpty,
            let endpoint = try? HostAndPort(
                parsing: config.value(of: Self.dpsURL) ?? "global.azure-devices-provisioning.net", defaultPort: 8883)
        else { return nil }
        let dps = AzureDeviceProvisioning(idScope: scope, registrationID: request.deviceID)
        let root = config.value(of: Self.rootCertPath) ?? ConfigKey.systemCertificates
        return ProvisioningExchange(
            endpoint: endpoint, rootCertificatePath: root, clientID: request.deviceID, username: dps.username,
            subscriptions: ["$dps/registrations/res/#"], first: dps.registerRequest,
            announcement: "Provisioning the device through the Azure Device Provisioning Service (scope \(scope)).",
            troubleshooting: """
                Check that:
                  - az.dps.id_scope (\(scope)) is the ID scope of your Device Provisioning Service;
                  - az.dps.url (\(endpoint)) is its endpoint;
                  - the device \(request.deviceID) is enrolled (individually, or in a group by the CA that signed its certificate);
                  - az.root.cert.path (\(root)) holds the CA that signed the service's server certificate.
                """,
            judge: dps.judge)
    }

    /// The legacy `tedge/measurements`, the registrations of every entity (first, so that retained registrations
    /// arrive before retained data and auto-registration never overwrites them), and `az.topics`.
    public func mapper(_ config: TedgeConfig) -> MapperDescription? {
        let addTimestamp = config.flag(Self.mapperTimestamp)
        let messageProperties = config.flag(Self.mapperMessageProperties)
        let pipeline = TelemetryPipeline(
            addTimestamp: addTimestamp, timeFormat: config.timeFormat(Self.mapperTimestampFormat),
            maxPacketSize: config.integer(Self.mapperMaxPayloadSize) ?? AzureConverter.maxPayloadSize)
        let store = config.entityStore()
        let topics = config.topicFilters(Self.topics)
        let subscriptions = [MeasurementTopic.main, store.schema.registrationFilter] + topics
        var description = MapperDescription(subscriptions: subscriptions) {
            AzureConverter(
                addTimestamp: addTimestamp, messageProperties: messageProperties,
                te: TeTelemetryMapping(store: store, pipeline: pipeline, telemetryByFlows: true))
        }
        // The te/ telemetry is mapped by `mappers/az/flows/mea.toml`, which the user may edit (thin-edge 2.0).
        let timestampFormat = config.timeFormat(Self.mapperTimestampFormat).rawValue
        description.builtinFlows = { version in
            [
                AzureBuiltinFlows.measurements(
                    version: version, timestamp: addTimestamp, timestampFormat: timestampFormat,
                    maxPayloadSize: pipeline.maxPacketSize, inputTopics: topics, errorsTopic: store.schema.errorTopic)
            ]
        }
        description.operations = AzureOperations()
        return description
    }
}
