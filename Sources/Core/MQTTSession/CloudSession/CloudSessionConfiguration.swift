import TedgeMessaging

/// How the built-in bridge's cloud session connects (the provider's `BridgeDescription`, rendered for our own
/// client instead of mosquitto) and how much it may hold in flight.
public struct CloudSessionConfiguration: Sendable {
    /// For log lines: `host:port`.
    public var endpoint: String
    public var clientID: String
    public var username: String?
    public var cleanSession: Bool
    public var keepAliveSeconds: UInt16
    /// The inbound rules' cloud-side filters.
    public var subscriptions: [MQTTSubscription]
    /// Stored messages sent to the cloud and not yet acknowledged.
    public var maxInflight: Int
    /// Inbound messages received and not yet acknowledged by the local broker; at this many the cloud session is
    /// not read (TCP backpressure).
    public var maxPendingInbound: Int
    public var reconnect: CloudReconnectPolicy

    public init(
        endpoint: String, clientID: String, username: String?, cleanSession: Bool, keepAliveSeconds: UInt16,
        subscriptions: [MQTTSubscription], maxInflight: Int = 100, maxPendingInbound: Int = 100,
        reconnect: CloudReconnectPolicy = CloudReconnectPolicy()
    ) {
        self.endpoint = endpoint
        self.clientID = clientID
        self.username = username
        self.cleanSession = cleanSession
        self.keepAliveSeconds = max(keepAliveSeconds, 1)
        self.subscriptions = subscriptions
        self.maxInflight = max(maxInflight, 1)
        self.maxPendingInbound = max(maxPendingInbound, 1)
        self.reconnect = reconnect
    }
}
