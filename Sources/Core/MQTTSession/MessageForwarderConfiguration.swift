import TedgeMessaging

/// How the mapper's data plane connects and how much it may hold in flight.
public struct MessageForwarderConfiguration: Sendable {
    public var host: String
    public var port: UInt16
    public var clientID: String
    /// Seconds; 1 is allowed for tests. 0 would disable keep-alive and dead-broker detection, so it is raised to 1.
    public var keepAliveSeconds: UInt16
    /// Published (retained, as the caller builds it) by the broker when the connection is lost without DISCONNECT.
    public var will: MQTTMessage?
    /// Topic filters, all subscribed at QoS 1 so the broker downgrades QoS 2 and we never need the QoS 2 flow.
    public var subscriptions: [String]
    /// Outgoing QoS 1 publishes sent and not yet acknowledged by the broker.
    public var maxInflight: Int
    /// How long a stop waits for outstanding outputs, and then again for the final messages, in milliseconds.
    public var drainTimeoutMilliseconds: Int64
    /// QoS 0 inputs (which the broker does not flow-control) are dropped while this many outputs wait for the
    /// in-flight window, or `maxWriteBacklogBytes` wait for the socket.
    public var maxQueuedOutputs: Int
    public var maxWriteBacklogBytes: Int
    /// QoS 1 inputs received and not yet acknowledged. mosquitto 2.0.11 does not stop at max_inflight_messages
    /// (20): it was measured delivering up to max_queued_messages + max_inflight_messages (1020 by default)
    /// unacknowledged messages, and without bound with max_queued_messages 0. Beyond this many, further inputs
    /// are ignored until the backlog is forwarded; then the forwarder reconnects to have them redelivered.
    public var maxPendingInputs: Int
    /// The largest packet accepted from the broker.
    public var maxIncomingPacketBytes: Int

    public init(host: String = "localhost", port: UInt16 = 1883, clientID: String, keepAliveSeconds: UInt16 = 60,
                will: MQTTMessage? = nil, subscriptions: [String], maxInflight: Int = 20,
                drainTimeoutMilliseconds: Int64 = 5000, maxQueuedOutputs: Int = 1000,
                maxWriteBacklogBytes: Int = 512 * 1024, maxPendingInputs: Int = 1100,
                maxIncomingPacketBytes: Int = MQTTPacketDecoder.defaultMaxRemainingLength) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.keepAliveSeconds = max(keepAliveSeconds, 1)
        self.will = will
        self.subscriptions = subscriptions
        self.maxInflight = max(maxInflight, 1)
        self.drainTimeoutMilliseconds = drainTimeoutMilliseconds
        self.maxQueuedOutputs = maxQueuedOutputs
        self.maxWriteBacklogBytes = maxWriteBacklogBytes
        self.maxPendingInputs = max(maxPendingInputs, 1)
        self.maxIncomingPacketBytes = maxIncomingPacketBytes
    }
}
