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

    public var configKeys: [ConfigKey] { [Self.url, Self.rootCertPath, Self.mapperTimestamp] }

    public let certificateRequirements = CertificateRequirements(
        clientCertificateRequired: true,
        registrationHint:
            "Register the device certificate as a thing's certificate in AWS IoT Core and attach a policy that allows thinedge/<device id>/#.",
        renewalHint:
            "Register the renewed certificate for the thing in AWS IoT Core, attach the same policy, then retire the old one.")

    public func bridge(_ context: ConnectionContext) -> BridgeDescription {
        let id = context.deviceID
        return BridgeDescription(
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
                BridgeTopic("td/#", .outbound, qos: 1, local: "aws/", remote: "thinedge/\(id)/"),
                BridgeTopic("cmd/#", .inbound, qos: 1, local: "aws/", remote: "thinedge/\(id)/"),
                BridgeTopic("shadow/#", .both, qos: 1, local: "aws/", remote: "$aws/things/\(id)/"),
                BridgeTopic(
                    "", .outbound, qos: 1, local: "aws/test-connection", remote: "thinedge/devices/\(id)/test-connection"),
                BridgeTopic(
                    "", .inbound, qos: 1, local: "aws/connection-success", remote: "thinedge/devices/\(id)/test-connection"),
            ])
    }

    /// The test-connection topic is bridged out and back in: an echo proves the round trip.
    public func connectionCheck(_ context: ConnectionContext) -> ConnectionCheck {
        ConnectionCheck(
            clientID: "check_connection_aws",
            subscriptions: ["aws/connection-success"],
            request: MQTTMessage(topic: "aws/test-connection", text: "", qos: .atLeastOnce),
            troubleshooting: """
                No response from AWS IoT Core. Check that:
                  - aws.url (\(context.cloud.host)) is your account's IoT endpoint;
                  - the certificate of \(context.deviceID) is registered and active, with a policy allowing thinedge/#;
                  - aws.root.cert.path (\(context.rootCertificatePath)) holds the Amazon root CA.
                """,
            judge: { _ in .success })
    }

    public func mapper(_ config: TedgeConfig) -> MapperDescription? {
        let addTimestamp = config.flag(Self.mapperTimestamp)
        return MapperDescription(subscriptions: ["tedge/measurements", "tedge/measurements/+"]) {
            AwsConverter(addTimestamp: addTimestamp)
        }
    }
}
