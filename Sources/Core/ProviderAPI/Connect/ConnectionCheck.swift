import TedgeMessaging

/// How to prove the cloud link works: subscribe, publish a request through the bridge, judge the answer.
/// Core's `ConnectionCheckRunner` runs it against the local broker.
public struct ConnectionCheck: Sendable {
    public enum Verdict: Sendable, Equatable {
        case success
        case failure(String)
        /// Not the answer we wait for; keep waiting.
        case ignore
    }

    public var clientID: String
    public var subscriptions: [String]
    public var request: MQTTMessage
    public var attempts: Int
    public var attemptTimeout: Duration
    public var judge: @Sendable (MQTTMessage) -> Verdict
    /// What to look at when the cloud never answers.
    public var troubleshooting: String
    /// Restart the broker when only a later attempt succeeded: the cloud may just have created the
    /// device, and the bridge's inbound subscriptions made before that were refused (Cumulocity).
    public var restartBrokerAfterLateSuccess = false

    public init(
        clientID: String, subscriptions: [String], request: MQTTMessage, attempts: Int = 1,
        attemptTimeout: Duration = .seconds(10), troubleshooting: String,
        judge: @escaping @Sendable (MQTTMessage) -> Verdict
    ) {
        self.clientID = clientID
        self.subscriptions = subscriptions
        self.request = request
        self.attempts = attempts
        self.attemptTimeout = attemptTimeout
        self.troubleshooting = troubleshooting
        self.judge = judge
    }
}
