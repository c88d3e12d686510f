import TedgeMessaging

/// The contents of a CONNECT packet: MQTT 3.1.1 (protocol level 4), or MQTT 3.1 (level 3, which a server
/// such as the simulator still accepts; the body's layout is the same).
public struct MQTTConnect: Equatable, Sendable {
    public var clientID: String
    /// false: the broker keeps our subscriptions and redelivers unacknowledged QoS 1 messages after a reconnect.
    public var cleanSession: Bool
    public var keepAliveSeconds: UInt16
    public var will: MQTTMessage?
    public var username: String?
    public var password: [UInt8]?
    /// 4 (protocol name "MQTT") or 3 ("MQIsdp").
    public var protocolLevel: UInt8

    public init(
        clientID: String, cleanSession: Bool, keepAliveSeconds: UInt16, will: MQTTMessage? = nil,
        username: String? = nil, password: [UInt8]? = nil, protocolLevel: UInt8 = 4
    ) {
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.keepAliveSeconds = keepAliveSeconds
        self.will = will
        self.username = username
        self.password = password
        self.protocolLevel = protocolLevel
    }

    /// "MQTT" or "MQIsdp"; nil for a level this codec does not speak.
    var protocolName: String? {
        switch protocolLevel {
        case 4: "MQTT"
        case 3: "MQIsdp"
        default: nil
        }
    }

    /// The level that goes with a protocol name.
    static func protocolLevel(named name: String) -> UInt8? {
        switch name {
        case "MQTT": 4
        case "MQIsdp": 3
        default: nil
        }
    }
}
