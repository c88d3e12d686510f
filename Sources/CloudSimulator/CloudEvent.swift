import TedgeProviderAPI

/// A device-to-cloud message as IoT Hub's event stream shows it (`az iot hub monitor-events`): the
/// device it came from, its properties decoded from the topic, and its payload.
public struct CloudEvent: Equatable, Sendable {
    public let deviceID: String
    public let topic: String
    public let properties: [String: String]
    public let payload: [UInt8]

    /// Nil for a topic that is not `devices/<id>/messages/events/…`.
    public init?(topic: String, payload: [UInt8]) {
        let parts = topic.split(separator: "/", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0] == "devices", !parts[1].isEmpty, parts[2] == "messages", parts[3] == "events" else {
            return nil
        }
        deviceID = String(parts[1])
        self.topic = topic
        properties = MessageProperties.ofTopic(topic)
        self.payload = payload
    }

    /// One readable block per message.
    public var report: String {
        let text = String(validating: payload, as: UTF8.self) ?? "<\(payload.count) bytes, not UTF-8>"
        let listed = properties.keys.sorted().map { "\($0)=\(properties[$0] ?? "")" }.joined(separator: ", ")
        return """
            event from \(deviceID)
              topic:      \(topic)
              properties: \(listed.isEmpty ? "(none)" : listed)
              payload:    \(text)

            """
    }
}
