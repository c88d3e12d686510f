import Core
import TedgeProviderAPI

/// Nimbus, a made-up MQTT cloud: device certificate over mutual TLS, a ping/pong connection check,
/// measurements forwarded as they are. It imports the provider API only, as every provider does.
public struct NimbusProvider: CloudProvider {
    public init() {}

    public let id = "nimbus"
    public let names = CloudNames(display: "Nimbus Cloud", cloud: "Nimbus")

    public static let url = ConfigKey(
        "nimbus.url", kind: .connectURL,
        doc: "Endpoint of the Nimbus broker. Example: mqtt.nimbus.example:8883")
    public static let rootCertPath = ConfigKey(
        "nimbus.root.cert.path", kind: .path, default: .value(ConfigKey.systemCertificates),
        doc: "Path where the Nimbus root certificate(s) are located. Example: /etc/ssl/certs")

    public var configKeys: [ConfigKey] { [Self.url, Self.rootCertPath] }

    public let certificateRequirements = CertificateRequirements(
        clientCertificateRequired: true,
        registrationHint: "Register the device certificate in the Nimbus console.")

    public func bridge(_ context: ConnectionContext) -> BridgeDescription {
        let device = context.deviceID
        return BridgeDescription(
            connection: "edge_to_nimbus", address: context.cloud, remoteUsername: device,
            rootCertificatePath: context.rootCertificatePath, remoteClientID: device, localClientID: "Nimbus",
            certificatePath: context.certificatePath, keyPath: context.keyPath, cleanSession: false,
            topics: [
                BridgeTopic("telemetry", .outbound, qos: 1, local: "nimbus/", remote: "nimbus/v1/\(device)/"),
                BridgeTopic("commands/#", .inbound, qos: 1, local: "nimbus/", remote: "nimbus/v1/\(device)/"),
                BridgeTopic("ping", .outbound, qos: 1, local: "nimbus/", remote: "nimbus/v1/"),
                BridgeTopic("pong", .inbound, qos: 1, local: "nimbus/", remote: "nimbus/v1/"),
            ])
    }

    public func connectionCheck(_ context: ConnectionContext) -> ConnectionCheck {
        ConnectionCheck(
            clientID: "check_connection_nimbus", subscriptions: ["nimbus/pong"],
            request: MQTTMessage(topic: "nimbus/ping", text: context.deviceID, qos: .atLeastOnce),
            troubleshooting: "No pong from Nimbus: check nimbus.url and that the certificate is registered.",
            judge: { answer in answer.text == context.deviceID ? .success : .ignore })
    }

    public func mapper(_ config: TedgeConfig) -> MapperDescription? {
        MapperDescription(subscriptions: ["tedge/measurements"]) { NimbusConverter() }
    }
}
