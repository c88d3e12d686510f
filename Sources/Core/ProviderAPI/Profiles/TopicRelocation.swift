/// A cloud's local topics moved from its provider's prefix to a profile's (`az/…` ↔ `az-second/…`), and the service
/// names derived from the prefix with them (`mosquitto-az-bridge` → `mosquitto-az-second-bridge`,
/// `tedge-mapper-bridge-az` → `tedge-mapper-bridge-az-second`). Providers write their topics under `<id>/`; a profile
/// only changes where they appear, so Core moves them, both ways, and no provider knows profiles exist.
struct TopicRelocation: Sendable {
    /// `az`: the provider's own prefix, without the `/`.
    let original: String
    /// `az-second`.
    let relocated: String

    /// `az/x` → `az-second/x`; any other topic or filter is left as it is.
    func outward(_ topic: String) -> String { Self.replacePrefix(of: topic, from: original + "/", to: relocated + "/") }

    /// `az-second/x` → `az/x`, what the provider's converter and operations read.
    func inward(_ topic: String) -> String { Self.replacePrefix(of: topic, from: relocated + "/", to: original + "/") }

    func outward(_ message: MQTTMessage) -> MQTTMessage { moved(message, outward) }

    func inward(_ message: MQTTMessage) -> MQTTMessage { moved(message, inward) }

    /// A service named after the prefix, renamed; any other name is left as it is.
    func service(_ name: String) -> String {
        switch name {
        case "mosquitto-\(original)-bridge": return "mosquitto-\(relocated)-bridge"
        case "tedge-mapper-bridge-\(original)": return "tedge-mapper-bridge-\(relocated)"
        case "tedge-mapper-\(original)": return "tedge-mapper-\(relocated)"
        default: return name
        }
    }

    /// A `te/` topic naming such a service (`te/device/main/service/mosquitto-az-bridge/status/health`).
    func serviceTopic(_ topic: String) -> String {
        topic.split(separator: "/", omittingEmptySubsequences: false).map { service(String($0)) }.joined(separator: "/")
    }

    private func moved(_ message: MQTTMessage, _ rename: (String) -> String) -> MQTTMessage {
        var moved = message
        moved.topic = rename(message.topic)
        return moved
    }

    private static func replacePrefix(of topic: String, from: String, to: String) -> String {
        topic.hasPrefix(from) ? to + topic.dropFirst(from.count) : topic
    }
}
