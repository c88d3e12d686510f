/// Which of the forwarder's two MQTT sessions a connection carries.
public enum MQTTSessionRole: Equatable, Sendable {
    /// The persistent session (the configured client id, the will, the subscriptions): receives the inputs and
    /// sends their PUBACKs, nothing else, so it can stop being read without holding up any acknowledgement.
    case input
    /// A clean session (client id + "-out"): publishes every output and receives the PUBACKs for them.
    case output
}
