/// MQTT topic filters (MQTT 3.1.1 §4.7: `+` one level, `#` the rest and its parent level, neither at the first level
/// matching a `$` topic), split once so that each input topic is split once too: the mapper asks for every input
/// whether it is the operations' or the converter's.
public struct TopicFilter: Sendable {
    private let filters: [[Substring]]

    public init(_ filters: [String]) { self.filters = filters.map { $0.split(separator: "/", omittingEmptySubsequences: false) } }

    public func matches(_ topic: String) -> Bool {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        return filters.contains { Self.matches($0, levels, dollar: topic.hasPrefix("$")) }
    }

    private static func matches(_ filter: [Substring], _ levels: [Substring], dollar: Bool) -> Bool {
        if dollar, let first = filter.first, first == "#" || first == "+" { return false }
        for (index, level) in filter.enumerated() {
            if level == "#" { return true }
            guard index < levels.count, level == "+" || level == levels[index] else { return false }
        }
        return filter.count == levels.count
    }
}
