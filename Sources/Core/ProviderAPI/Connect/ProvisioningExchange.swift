import TedgeMessaging

/// Zero-touch provisioning a provider describes and the runtime carries out before connecting
/// (Azure's Device Provisioning Service): an MQTT session over mutual TLS with the device
/// certificate, a first request, and a pure judge that turns each answer into the next step.
/// It ends with config settings to store (the assigned endpoint) or a failure.
public struct ProvisioningExchange: Sendable {
    public enum Step: Sendable, Equatable {
        /// Publish `request` after waiting `delay` (the service's retry-after).
        case request(MQTTMessage, after: Duration)
        /// Done: store `settings` (config key name → value) and print `report`.
        case provisioned(settings: [String: String], report: String)
        /// The service refused or failed the registration.
        case failed(String)
        /// Not an answer to our request; keep waiting.
        case ignore
    }

    public var endpoint: HostAndPort
    /// The CA file or directory that verifies the service's server certificate.
    public var rootCertificatePath: String
    public var clientID: String
    public var username: String
    public var subscriptions: [String]
    public var first: MQTTMessage
    /// The line printed before the exchange starts.
    public var announcement: String
    /// How long the whole exchange may take, polls included.
    public var timeout: Duration
    /// What to look at when the service refuses the connection or never answers.
    public var troubleshooting: String
    public var judge: @Sendable (MQTTMessage) -> Step

    public init(
        endpoint: HostAndPort, rootCertificatePath: String, clientID: String, username: String,
        subscriptions: [String], first: MQTTMessage, announcement: String, timeout: Duration = .seconds(60),
        troubleshooting: String, judge: @escaping @Sendable (MQTTMessage) -> Step
    ) {
        self.endpoint = endpoint
        self.rootCertificatePath = rootCertificatePath
        self.clientID = clientID
        self.username = username
        self.subscriptions = subscriptions
        self.first = first
        self.announcement = announcement
        self.timeout = timeout
        self.troubleshooting = troubleshooting
        self.judge = judge
    }
}
