/// An MQTT topic filter (`te/+/+/+/+/m/+`, `c8y/#`), checked as MQTT 3.1.1 §4.7 requires, and matched
/// against topic names: `+` is one level, `#` (last) the rest including none, and neither matches a
/// first level starting with `$`.
public struct MQTTTopicFilter: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let text: String
    private let levels: [Substring]

    /// Nil when the filter is empty, has a `#` that is not a whole last level, a `+` that is not a whole
    /// level, or a NUL.
    public init?(_ text: String) {
        guard !text.isEmpty, !text.utf8.contains(0) else { return nil }
        let levels = text.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || index != levels.count - 1) { return nil }
            if level.contains("+") && level != "+" { return nil }
        }
        self.text = text
        self.levels = levels
    }

    public var description: String { text }

    public func matches(_ topic: String) -> Bool {
        let names = topic.split(separator: "/", omittingEmptySubsequences: false)
        if topic.hasPrefix("$") && (levels[0] == "+" || levels[0] == "#") { return false }
        for (index, level) in levels.enumerated() {
            if level == "#" { return true }
            guard index < names.count else { return false }
            if level != "+" && level != names[index] { return false }
        }
        return names.count == levels.count
    }

    /// Whether a topic name is valid for a PUBLISH: not empty, no wildcard, no NUL.
    public static func isValidTopicName(_ topic: String) -> Bool {
        !topic.isEmpty && !topic.utf8.contains { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") || $0 == 0 }
    }
}
