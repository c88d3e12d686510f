/// Whether one MQTT topic filter takes in every topic another one matches (`az/twin/res/#` covers
/// `az/twin/res/+`), for the contract's question "can this answer ever come back through the bridge".
enum TopicFilterCoverage {
    /// `outer` matches every topic `inner` matches. Both are filters; a topic name is a filter without wildcards.
    static func covers(_ outer: String, _ inner: String) -> Bool {
        let outerLevels = outer.split(separator: "/", omittingEmptySubsequences: false)
        let innerLevels = inner.split(separator: "/", omittingEmptySubsequences: false)
        // Wildcards at the first level never match a `$` topic.
        if let first = outerLevels.first, first == "#" || first == "+", innerLevels.first?.first == "$" { return false }
        for (index, level) in outerLevels.enumerated() {
            if level == "#" { return true }
            guard index < innerLevels.count else { return false }
            let other = innerLevels[index]
            if other == "#" { return false }
            if level != "+" && (other == "+" || level != other) { return false }
        }
        return outerLevels.count == innerLevels.count
    }

    /// The local filter of a bridge rule: the prefix and the pattern (an empty pattern: the prefix is the topic).
    static func localFilter(prefix: String, pattern: String) -> String { prefix + pattern }

    static func hasWildcard(_ text: String) -> Bool { text.contains("+") || text.contains("#") }
}
