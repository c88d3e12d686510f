/// IoT Hub's per-device rules for the topics of one connected device. A device may publish and
/// subscribe only under `devices/<own id>/` and `$iothub/`; IoT Hub closes the connection otherwise.
///
/// The simulator's backend is one broker for every device, so each device's `$iothub/…` lives there
/// under `devices/<id>/$iothub/…`: twin answers, desired updates and method calls reach only the
/// device they are for. The front end rewrites topics both ways.
struct AzureTopicPolicy: Sendable {
    let deviceID: String

    /// Whether the device may use this topic or filter (`+` and `#` may not reach other devices).
    func allows(_ topic: String) -> Bool {
        topic.hasPrefix("$iothub/") || topic.hasPrefix(ownPrefix)
    }

    private var ownPrefix: String { "devices/\(deviceID)/" }

    /// Device topic to backend topic.
    func backendTopic(_ topic: String) -> String {
        topic.hasPrefix("$iothub/") ? Self.backendTopic(topic, deviceID: deviceID) : topic
    }

    /// Backend topic to device topic.
    func deviceTopic(_ topic: String) -> String {
        let prefix = ownPrefix + "$iothub/"
        return topic.hasPrefix(prefix) ? String(topic.dropFirst(ownPrefix.count)) : topic
    }

    /// Where a device's `$iothub/…` topic lives on the backend.
    static func backendTopic(_ iothubTopic: String, deviceID: String) -> String { "devices/\(deviceID)/\(iothubTopic)" }
}
