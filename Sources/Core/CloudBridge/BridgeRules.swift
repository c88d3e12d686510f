import TedgeMessaging
import TedgeMQTTSession
import TedgeProviderAPI

/// The provider's bridge topics (`BridgeDescription.topics`, the same rules the mosquitto bridge file renders) as
/// the built-in bridge applies them: a local topic under an outbound rule goes to the cloud with the local prefix
/// replaced by the remote one; a cloud topic under an inbound rule comes back with the remote prefix replaced by
/// the local one. An empty pattern means the prefix is the whole topic, as in mosquitto.
struct BridgeRules {
    /// A rule with its pattern read once (nil for an empty pattern: the prefix is the whole topic).
    private struct Rule {
        let topic: BridgeTopic
        let filter: MQTTTopicFilter?
    }

    let topics: [BridgeTopic]
    private let rules: [Rule]
    private let outbound: [Rule]
    private let inbound: [Rule]

    init(_ topics: [BridgeTopic]) {
        self.topics = topics
        rules = topics.map { Rule(topic: $0, filter: $0.pattern.isEmpty ? nil : MQTTTopicFilter($0.pattern)) }
        outbound = rules.filter { $0.topic.direction != .inbound }
        inbound = rules.filter { $0.topic.direction != .outbound }
    }

    /// What the mapper subscribes to locally on the cloud's behalf (applications publish there).
    var localFilters: [String] { outbound.map { $0.topic.localPrefix + $0.topic.pattern } }

    /// What the cloud session subscribes to.
    var cloudSubscriptions: [MQTTSubscription] {
        inbound.map {
            MQTTSubscription(filter: $0.topic.remotePrefix + $0.topic.pattern, qos: $0.topic.qos == 0 ? .atMostOnce : .atLeastOnce)
        }
    }

    /// Whether a local topic is under an outbound rule.
    func isOutbound(_ topic: String) -> Bool { outbound.contains { Self.remainder(of: topic, under: $0, prefix: $0.topic.localPrefix) != nil } }

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
        rules.contains { $0.topic.direction == .both && Self.remainder(of: localTopic, under: $0, prefix: $0.topic.localPrefix) != nil }
    }

    private static func translate(
        _ topic: String, rules: [Rule], from source: KeyPath<BridgeTopic, String>, to target: KeyPath<BridgeTopic, String>
    ) -> String? {
        for rule in rules {
            if let rest = remainder(of: topic, under: rule, prefix: rule.topic[keyPath: source]) {
                return rule.topic[keyPath: target] + rest
            }
        }
        return nil
    }

    private static func remainder(of topic: String, under rule: Rule, prefix: String) -> String? {
        guard topic.hasPrefix(prefix) else { return nil }
        let rest = String(topic.dropFirst(prefix.count))
        guard let filter = rule.filter else { return rule.topic.pattern.isEmpty && rest.isEmpty ? rest : nil }
        return filter.matches(rest) ? rest : nil
    }
}
