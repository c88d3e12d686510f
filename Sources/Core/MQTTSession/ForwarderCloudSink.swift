import TedgeMessaging

/// The built-in bridge's side of the forwarder: which outputs are cloud-bound (and under which cloud topic), the
/// durable store they are appended to, and who hears that an inbound message reached the local broker.
public struct ForwarderCloudSink {
    /// The cloud-side message for a cloud-bound output, nil for one that goes to the local broker.
    public var route: (MQTTMessage) -> MQTTMessage?
    /// Appends and syncs a batch; returns why it failed, nil once it is durable.
    public var append: ([MQTTMessage]) -> String?
    /// The local broker acknowledged the external message with this token (`MessageForwarder.publishExternal`).
    public var delivered: (Int) -> Void

    public init(
        route: @escaping (MQTTMessage) -> MQTTMessage?, append: @escaping ([MQTTMessage]) -> String?,
        delivered: @escaping (Int) -> Void
    ) {
        self.route = route
        self.append = append
        self.delivered = delivered
    }
}
