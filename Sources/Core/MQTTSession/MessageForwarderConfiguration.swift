import TedgeMessaging

/// How the mapper's data plane connects and how much it may hold in flight.
public struct MessageForwarderConfiguration: Sendable {
    public var host: String
    public var port: UInt16
    /// The input session's client id (persistent session, the will, the subscriptions).
    public var clientID: String
    /// Seconds; 1 is allowed for tests. 0 would disable keep-alive and dead-broker detection, so it is raised to 1.
    public var keepAliveSeconds: UInt16
    /// Published (retained, as the caller builds it) by the broker when the connection is lost without DISCONNECT.
    public var will: MQTTMessage?
    /// A second will, on the output session: a mapper announces `down` on two topics (legacy `tedge/health/…`
    /// and `te/…/status/health`), and MQTT gives a session one will only; the built-in bridge's output session
    /// carries its own health `down` the same way.
    public var outputWill: MQTTMessage?
    /// Topic filters, all subscribed at QoS 1 so the broker downgrades QoS 2 and we never need the QoS 2 flow.
    public var subscriptions: [String]
    /// Outgoing QoS 1 publishes sent and not yet acknowledged by the broker.
    public var maxInflight: Int
    /// How long a stop waits for outstanding outputs, and then again for the final messages, in milliseconds.
    public var drainTimeoutMilliseconds: Int64
    /// The input session is not read while this many outputs wait for the in-flight window, or
    /// `maxWriteBacklogBytes` wait for the output socket (one input may be converted to many outputs).
    public var maxQueuedOutputs: Int
    public var maxWriteBacklogBytes: Int
    /// QoS 1 inputs received and not yet acknowledged. At this many the input session is not read until some
    /// are acknowledged: the broker's own window cannot be relied on (mosquitto 2.0.11 refills it on every
    /// PUBACK), TCP backpressure can.
    public var inputWindow: Int
    /// The largest packet accepted from the broker.
    public var maxIncomingPacketBytes: Int

    public init(
        host: String = "localhost", port: UInt16 = 1883, clientID: String, keepAliveSeconds: UInt16 = 60,
        will: MQTTMessage? = nil, subscriptions: [String], maxInflight: Int = 20,
        drainTimeoutMilliseconds: Int64 = 5000, maxQueuedOutputs: Int = 1000,
        maxWriteBacklogBytes: Int = 512 * 1024, inputWindow: Int = 100,
        maxIncomingPacketBytes: Int = MQTTPacketDecoder.defaultMaxRemainingLength, outputWill: MQTTMessage? = nil
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.keepAliveSeconds = max(keepAliveSeconds, 1)
        self.will = will
        self.outputWill = outputWill
        self.subscriptions = subscriptions
        self.maxInflight = max(maxInflight, 1)
        self.drainTimeoutMilliseconds = drainTimeoutMilliseconds
        self.maxQueuedOutputs = maxQueuedOutputs
        self.maxWriteBacklogBytes = maxWriteBacklogBytes
        self.inputWindow = max(inputWindow, 1)
        self.maxIncomingPacketBytes = maxIncomingPacketBytes
    }

    /// The output session's client id: a clean session of its own, so that its socket can always be read.
    public var outputClientID: String { clientID + "-out" }
}
