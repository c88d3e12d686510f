/// MQTT quality of service levels.
public enum MQTTQoS: Int32, Sendable, CaseIterable {
    case atMostOnce = 0
    case atLeastOnce = 1
    case exactlyOnce = 2

    /// The names thin-edge prints in command descriptions (`AtMostOnce`, ...).
    public var name: String {
        switch self {
        case .atMostOnce: return "AtMostOnce"
        case .atLeastOnce: return "AtLeastOnce"
        case .exactlyOnce: return "ExactlyOnce"
        }
    }
}
