import TedgeMessaging
import TedgeMQTTSession
import TedgeProviderAPI

/// The provider's bridge topics (`BridgeDescription.topics`, the same rules the mosquitto bridge file renders) as
/// the built-in bridge applies them: a local topic under an outbound rule goes to the cloud with the local prefix
/// replaced by the remote one; a cloud topic under an inbound rule comes back with the remote prefix replaced by
/// the local one. An empty pattern means the prefix is the whole topic, as in mosquitto.
struct BridgeRules {
    let topics: [BridgeTopic]

    init(_ topics: [BridgeTopic]) { self.topics = topics }

    private var outbound: [BridgeTopic] { topics.filter { $0.direction != .inbound } }
    private var inbound: [BridgeTopic] { topics.filter { $0.direction != .outbound } }

    /// What the mapper subscribes to locally on the cloud's behalf (applications publish there).
    var localFilters: [String] { outbound.map { $0.localPrefix + $0.pattern } }

    /// What the cloud session subscribes to.
    var cloudSubscriptions: [MQTTSubscription] {
        inbound.map { MQTTSubscription(filter: $0.remotePrefix + $0.pattern, qos: $0.qos == 0 ? .atMostOnce : .atLeastOnce) }
    }

    /// The cloud-side message for a local message under an outbound rule, nil otherwise.
    func outboundMessage(_ message: MQTTMessage) -> MQTTMessage? {
        guard let topic = Self.translate(message.topic, rules: outbound, from: \.localPrefix, to: \.remotePrefix) else { return nil }
        var remote = message
        remote.topic = topic
        return remote
    }

    /// The local message for a cloud message under an inbound rule, nil otherwise.
    func inboundMessage(_ message: MQTTMessage) -> MQTTMessage? {
        guard let topic = Self.translate(message.topic, rules: inbound, from: \.remotePrefix, to: \.localPrefix) else { return nil }
        var local = message
        local.topic = topic
        return local
    }

    /// Whether a local topic is bridged both ways, so an inbound copy of it would come back to the mapper.
    func isBidirectional(localTopic: String) -> Bool {
        topics.contains { $0.direction == .both && Self.remainder(of: localTopic, under: $0, prefix: $0.localPrefix) != nil }
    }

    private static func translate(
        _ topic: String, rules: [BridgeTopic], from source: KeyPath<BridgeTopic, String>, to target: KeyPath<BridgeTopic, String>
    ) -> String? {
        for rule in rules {
            if let rest = remainder(of: topic, under: rule, prefix: rule[keyPath: source]) { return rule[keyPath: target] + rest }
        }
        return nil
    }

    private static func remainder(of topic: String, under rule: BridgeTopic, prefix: String) -> String? {
        guard topic.hasPrefix(prefix) else { return nil }
        let rest = String(topic.dropFirst(prefix.count))
        if rule.pattern.isEmpty { return rest.isEmpty ? rest : nil }
        return TopicFilter.matches(rule.pattern, rest) ? rest : nil
    }
}
