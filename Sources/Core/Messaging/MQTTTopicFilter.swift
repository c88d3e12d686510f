/// An MQTT topic filter (`te/+/+/+/+/m/+`, `c8y/#`), checked as MQTT 3.1.1 §4.7 requires, and matched
/// against topic names: `+` is one level, `#` (last) the rest including none, and neither matches a
/// first level starting with `$`.
public struct MQTTTopicFilter: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let text: String
    /// The levels' bytes; `+` and `#` alone are the wildcards (a level cannot hold them otherwise).
    private let levels: [[UInt8]]

    private static let slash = UInt8(ascii: "/")
    private static let plus = [UInt8(ascii: "+")]
    private static let hash = [UInt8(ascii: "#")]

    /// Nil when the filter is empty, has a `#` that is not a whole last level, a `+` that is not a whole
    /// level, or a NUL.
    public init?(_ text: String) {
        guard !text.isEmpty, !text.utf8.contains(0) else { return nil }
        let levels = text.utf8.split(separator: Self.slash, omittingEmptySubsequences: false).map(Array.init)
        for (index, level) in levels.enumerated() {
            if level.contains(UInt8(ascii: "#")) && (level != Self.hash || index != levels.count - 1) { return nil }
            if level.contains(UInt8(ascii: "+")) && level != Self.plus { return nil }
        }
        self.text = text
        self.levels = levels
    }

    public var description: String { text }

    /// Compares bytes in place: the mapper matches every input against every flow's filters.
    public func matches(_ topic: String) -> Bool {
        if let matched = topic.utf8.withContiguousStorageIfAvailable({ matches($0) }) { return matched }
        return Array(topic.utf8).withUnsafeBufferPointer { matches($0) }
    }

    private func matches(_ topic: UnsafeBufferPointer<UInt8>) -> Bool {
        if topic.first == UInt8(ascii: "$") && (levels[0] == Self.plus || levels[0] == Self.hash) { return false }
        var start = 0
        for (index, level) in levels.enumerated() {
            if level == Self.hash { return true }
            var end = start
            while end < topic.count && topic[end] != Self.slash { end += 1 }
            if level != Self.plus {
                guard end - start == level.count else { return false }
                for offset in 0..<level.count where topic[start + offset] != level[offset] { return false }
            }
            if end == topic.count {
                // The topic's last level: the filter ends here too, or goes on with `#` alone.
                let rest = levels.count - index - 1
                return rest == 0 || (rest == 1 && levels[index + 1] == Self.hash)
            }
            start = end + 1
        }
        return false
    }

    /// Whether a topic name is valid for a PUBLISH: not empty, no wildcard, no NUL.
    public static func isValidTopicName(_ topic: String) -> Bool {
        !topic.isEmpty && !topic.utf8.contains { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") || $0 == 0 }
    }
}
