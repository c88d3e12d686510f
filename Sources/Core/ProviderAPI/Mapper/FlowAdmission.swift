import TedgeMessaging

/// What a converter makes of a message before the mapper's flows see it (`MessageConverter.beforeFlows`).
public struct FlowAdmission: Equatable, Sendable {
    /// Published before the flows' outputs, acknowledged with them.
    public var outputs: [MQTTMessage]
    /// false: the flows do not get the message (an invalid `te/` topic, a twin fragment).
    public var toFlows: Bool

    public init(outputs: [MQTTMessage], toFlows: Bool) {
        self.outputs = outputs
        self.toFlows = toFlows
    }
}
