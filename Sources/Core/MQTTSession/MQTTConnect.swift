import TedgeMessaging

/// The contents of a CONNECT packet (MQTT 3.1.1, protocol level 4).
public struct MQTTConnect: Equatable, Sendable {
    public var clientID: String
    /// false: the broker keeps our subscriptions and redelivers unacknowledged QoS 1 messages after a reconnect.
    public var cleanSession: Bool
    public var keepAliveSeconds: UInt16
    public var will: MQTTMessage?
    public var username: String?
    public var password: [UInt8]?

    public init(
        clientID: String, cleanSession: Bool, keepAliveSeconds: UInt16, will: MQTTMessage? = nil,
        username: String? = nil, password: [UInt8]? = nil
    ) {
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.keepAliveSeconds = keepAliveSeconds
        self.will = will
        self.username = username
        self.password = password
    }
}
