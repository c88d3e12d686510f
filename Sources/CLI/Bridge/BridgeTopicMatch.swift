import TedgeProviderAPI

/// Where one concrete topic goes through one bridge rule, as `tedge bridge test` reports it: local to remote for a
/// topic under an outbound rule's local side, remote to local for one under an inbound rule's remote side (a
/// bidirectional rule is tried both ways).
struct BridgeTopicMatch: Equatable {
    let local: String
    let remote: String
    /// The rule's two sides with its pattern (`thingsboard/rpc/request/+`), shown when the topic is not the rule itself.
    let localRule: String
    let remoteRule: String
    let direction: BridgeTopic.Direction
    let localToRemote: Bool

    static func matches(of topic: String, in rules: [BridgeTopic]) -> [BridgeTopicMatch] {
        rules.flatMap { rule -> [BridgeTopicMatch] in
            var found: [BridgeTopicMatch] = []
            if rule.direction != .inbound, let rest = remainder(of: topic, after: rule.localPrefix, pattern: rule.pattern) {
                found.append(
                    BridgeTopicMatch(
                        local: topic, remote: rule.remotePrefix + rest, localRule: rule.localPrefix + rule.pattern,
                        remoteRule: rule.remotePrefix + rule.pattern, direction: rule.direction, localToRemote: true))
            }
            if rule.direction != .outbound, let rest = remainder(of: topic, after: rule.remotePrefix, pattern: rule.pattern) {
                found.append(
                    BridgeTopicMatch(
                        local: rule.localPrefix + rest, remote: topic, localRule: rule.localPrefix + rule.pattern,
                        remoteRule: rule.remotePrefix + rule.pattern, direction: rule.direction, localToRemote: false))
            }
            return found
        }
    }

    /// What follows `prefix` in `topic` when the rule's pattern matches it (an empty pattern: the prefix is the topic).
    private static func remainder(of topic: String, after prefix: String, pattern: String) -> String? {
        guard topic.hasPrefix(prefix) else { return nil }
        let rest = String(topic.dropFirst(prefix.count))
        if pattern.isEmpty { return rest.isEmpty ? rest : nil }
        return MQTTTopicFilter(pattern)?.matches(rest) == true ? rest : nil
    }

    /// thin-edge's lines (without its colours).
    var lines: [String] {
        let label =
            switch direction {
            case .outbound: "(outbound)"
            case .inbound: "(inbound)"
            case .both: "(bidirectional)"
            }
        if localToRemote {
            return ["[local] \(local)  ->  [remote] \(remote) \(label)"]
                + (localRule != local ? ["  matched by rule: \(localRule) -> \(remoteRule)"] : [])
        }
        return ["[remote] \(remote)  ->  [local] \(local) \(label)"]
            + (remoteRule != remote ? ["  matched by rule: \(remoteRule) -> \(localRule)"] : [])
    }
}
