import TedgeMessaging

/// One topic filter of a SUBSCRIBE packet with the maximum QoS requested for it.
public struct MQTTSubscription: Equatable, Sendable {
    public var filter: String
    public var qos: MQTTQoS

    public init(filter: String, qos: MQTTQoS) {
        self.filter = filter
        self.qos = qos
    }
}
