import TedgeProviderAPI

/// AWS IoT Core, written as a third-party plugin would be: this module imports the provider API only.
public struct AwsProvider: CloudProvider {
    public init() {}

    public let id = "aws"
    public let names = CloudNames(display: "AWS IoT Core", cloud: "AWS")

    public static let url = ConfigKey(
        "aws.url", kind: .connectURL,
        doc: "Endpoint URL of AWS IoT Core. Example: your-endpoint.amazonaws.com",
        example: "your-endpoint.amazonaws.com")
    public static let rootCertPath = ConfigKey(
        "aws.root.cert.path", kind: .path,
        default: .value(ConfigKey.systemCertificates),
        doc: "Path where AWS IoT root certificate(s) are located. Example: /home/user/.tedge/aws-trusted-root-certificates.pem")
    public static let mapperTimestamp = ConfigKey(
        "aws.mapper.timestamp", kind: .flag,
        default: .value("true"), doc: "Boolean whether AWS mapper should add timestamp or not. Example: true")

    public static let mapperTimestampFormat = ConfigKey(
        "aws.mapper.timestamp_format", table: "aws", field: "mapper_timestamp_format", kind: .timeFormat,
        default: .value(TimeFormat.unix.rawValue),
        doc: "The format that will be used by the mapper when sending timestamps to AWS IoT. Example: rfc-3339, unix")
    public static let mapperMaxPayloadSize = ConfigKey(
        "aws.mapper.mqtt.max_payload_size", table: "aws", field: "mapper_mqtt_max_payload_size", kind: .positiveInteger,
        default: .value(String(AwsConverter.maxPayloadSize)),
        doc: "The maximum message payload size that can be mapped to the cloud via MQTT. Example: 131072")
    public static let topicPrefix = ConfigKey(
        "aws.bridge.topic_prefix", table: "aws", field: "bridge_topic_prefix", kind: .string, default: .value("aws"),
        doc:
            "The topic prefix that will be used for the bridge MQTT topic. For instance, if this is set to \"aws\", then messages published to `aws/shadow/#` will be forwarded to AWS on the `$aws/things/shadow/#` topic. Example: aws"
    )
    public static let topics = ConfigKey(
        "aws.topics", table: "aws", field: "topics", kind: .string,
        default: .value(TopicSchema().telemetryFilters.joined(separator: ",")),
        doc: "Set of MQTT topics the AWS IoT mapper should subscribe to. Example: te/+/+/+/+/a/+,te/+/+/+/+/m/+,te/+/+/+/+/e/+")

    public var configKeys: [ConfigKey] {
        [Self.url, Self.rootCertPath, Self.mapperTimestamp, Self.mapperTimestampFormat, Self.mapperMaxPayloadSize, Self.topicPrefix, Self.topics]
    }

    public let certificateRequirements = CertificateRequirements(
        clientCertificateRequired: true,
        registrationHint:
            "Register the device certificate as a thing's certificate in AWS IoT Core and attach a policy that allows thinedge/<device id>/#.",
        renewalHint:
            "Register the renewed certificate for the thing in AWS IoT Core, attach the same policy, then retire the old one.")

    public func bridge(_ context: ConnectionContext) -> BridgeDescription {
        let id = context.deviceID
        let local = (context.config.value(of: Self.topicPrefix) ?? "aws") + "/"
        var bridge = BridgeDescription(
            connection: "edge_to_aws",
            address: context.cloud,
            remoteUsername: id,
            rootCertificatePath: context.rootCertificatePath,
            remoteClientID: id,
            localClientID: "Aws",
            certificatePath: context.certificatePath,
            keyPath: context.keyPath,
            cleanSession: false,
            topics: [
                BridgeTopic("td/#", .outbound, qos: 1, local: local, remote: "thinedge/\(id)/"),
                BridgeTopic("cmd/#", .inbound, qos: 1, local: local, remote: "thinedge/\(id)/"),
                BridgeTopic("shadow/#", .both, qos: 1, local: local, remote: "$aws/things/\(id)/"),
                BridgeTopic(
                    "", .outbound, qos: 1, local: local + "test-connection", remote: "thinedge/devices/\(id)/test-connection"),
                BridgeTopic(
                    "", .inbound, qos: 1, local: local + "connection-success", remote: "thinedge/devices/\(id)/test-connection"),
            ])
        // thin-edge 1.x's notifications: the mapper reads the shadow again whenever the bridge reconnects.
        bridge.notifications = true
        bridge.notificationsLocalOnly = true
        bridge.notificationTopic = context.config.bridgeNotificationTopic(service: "mosquitto-\(local.dropLast())-bridge")
        return bridge
    }

    /// The test-connection topic is bridged out and back in: an echo proves the round trip.
    public func connectionCheck(_ context: ConnectionContext) -> ConnectionCheck {
        let prefix = context.config.value(of: Self.topicPrefix) ?? "aws"
        return ConnectionCheck(
            clientID: "check_connection_aws",
            subscriptions: ["\(prefix)/connection-success"],
            request: MQTTMessage(topic: "\(prefix)/test-connection", text: "", qos: .atLeastOnce),
            troubleshooting: """
                No response from AWS IoT Core. Check that:
                  - aws.url (\(context.cloud.host)) is your account's IoT endpoint;
                  - the certificate of \(context.deviceID) is registered and active, with a policy allowing thinedge/#;
                  - aws.root.cert.path (\(context.rootCertificatePath)) holds the Amazon root CA.
                """,
            judge: { _ in .success })
    }

    /// The legacy measurement topics, the registrations of every entity (first: retained registrations arrive
    /// before retained data), and `aws.topics`.
    public func mapper(_ config: TedgeConfig) -> MapperDescription? {
        let addTimestamp = config.flag(Self.mapperTimestamp)
        let prefix = config.value(of: Self.topicPrefix) ?? "aws"
        let pipeline = TelemetryPipeline(
            addTimestamp: addTimestamp, timeFormat: config.timeFormat(Self.mapperTimestampFormat),
            maxPacketSize: config.integer(Self.mapperMaxPayloadSize) ?? AwsConverter.maxPayloadSize)
        let store = config.entityStore()
        let topics = config.topicFilters(Self.topics)
        let subscriptions = ["tedge/measurements", "tedge/measurements/+", store.schema.registrationFilter] + topics
        var description = MapperDescription(subscriptions: subscriptions) {
            AwsConverter(
                addTimestamp: addTimestamp, topicPrefix: prefix,
                te: TeTelemetryMapping(store: store, pipeline: pipeline, telemetryByFlows: true))
        }
        // The te/ telemetry is mapped by `mappers/aws/flows/mea.toml`, which the user may edit (thin-edge 2.0).
        let timestampFormat = config.timeFormat(Self.mapperTimestampFormat).rawValue
        description.builtinFlows = { version in
            [
                AwsBuiltinFlows.measurements(
                    version: version, timestamp: addTimestamp, timestampFormat: timestampFormat,
                    maxPayloadSize: pipeline.maxPacketSize, inputTopics: topics, topicPrefix: prefix,
                    errorsTopic: store.schema.errorTopic)
            ]
        }
        description.operations = AwsOperations(topicPrefix: prefix)
        return description
    }
}
