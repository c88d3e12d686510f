/// One `topic` line of a mosquitto bridge: `topic <pattern> <direction> <qos> <local prefix> <remote prefix>`.
public struct BridgeTopic: Sendable, Equatable {
    public enum Direction: String, Sendable {
        case outbound = "out"
        case inbound = "in"
        case both
    }

    public var pattern: String
    public var direction: Direction
    public var qos: Int
    public var localPrefix: String
    public var remotePrefix: String

    public init(_ pattern: String, _ direction: Direction, qos: Int, local localPrefix: String, remote remotePrefix: String) {
        self.pattern = pattern
        self.direction = direction
        self.qos = qos
        self.localPrefix = localPrefix
        self.remotePrefix = remotePrefix
    }

    /// The `topic` line; an empty pattern or prefix is written `""`, as mosquitto requires.
    public var line: String {
        func field(_ text: String) -> String { text.isEmpty ? "\"\"" : text }
        return "topic \(field(pattern)) \(direction.rawValue) \(qos) \(field(localPrefix)) \(field(remotePrefix))"
    }
}
