import TedgeProviderAPI
import TedgeProviderContract

/// A bridge rule with its variables expanded: what the bridge carries, and where it was written.
public struct ExpandedBridgeRule: Sendable, Equatable {
    public var localPrefix: String
    public var remotePrefix: String
    public var topic: String
    public var direction: BridgeRuleFile.Direction
    public var location: DefinitionLocation

    /// The rule as the bridge description holds it (and mosquitto's `topic` line renders it), QoS 1 as thin-edge bridges.
    public var bridgeTopic: BridgeTopic {
        let direction: BridgeTopic.Direction =
            switch self.direction {
            case .outbound: .outbound
            case .inbound: .inbound
            case .bidirectional: .both
            }
        return BridgeTopic(topic, direction, qos: 1, local: localPrefix, remote: remotePrefix)
    }
}
