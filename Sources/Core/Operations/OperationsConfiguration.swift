import TedgeProviderAPI

/// How the mapper runs a cloud's operation handlers.
public struct OperationsConfiguration: Sendable {
    /// The cloud's id: `TEDGE_CLOUD`, and the prefix of the command ids it creates (`az-mapper-…`).
    public var cloud: String
    /// The handler directory, absolute (`/etc/tedge/operations/az`).
    public var handlerDirectory: String
    /// The same as users know it, for messages (`operations/az`).
    public var shownDirectory: String
    /// How long a handler may run; a method's counts from its request, as the cloud's timeout does.
    public var timeLimitMilliseconds: Int64
    public var maxRunning: Int
    public var maxWaitingMethods: Int
    public var maxWaitingOthers: Int
    /// The largest payload a handler is given (Azure's limit for a method payload); larger calls are answered 413.
    public var maxPayloadBytes: Int
    /// The `te/` scheme and this device's entity: its twin fragments, restart commands and services.
    public var schema: TopicSchema
    public var device: EntityTopicID
    /// What every handler's environment starts from (`PATH`, `TEDGE_CONFIG_DIR`).
    public var baseEnvironment: [String: String]

    public init(
        cloud: String, handlerDirectory: String, shownDirectory: String, timeLimitMilliseconds: Int64 = 30_000,
        maxRunning: Int = 4, maxWaitingMethods: Int = 8, maxWaitingOthers: Int = 32, maxPayloadBytes: Int = 128 * 1024,
        schema: TopicSchema = TopicSchema(), device: EntityTopicID = .mainDevice, baseEnvironment: [String: String] = [:]
    ) {
        self.cloud = cloud
        self.handlerDirectory = handlerDirectory
        self.shownDirectory = shownDirectory
        self.timeLimitMilliseconds = timeLimitMilliseconds
        self.maxRunning = maxRunning
        self.maxWaitingMethods = maxWaitingMethods
        self.maxWaitingOthers = maxWaitingOthers
        self.maxPayloadBytes = maxPayloadBytes
        self.schema = schema
        self.device = device
        self.baseEnvironment = baseEnvironment
    }

    var timeLimitSeconds: Int64 { (timeLimitMilliseconds + 999) / 1000 }
}
