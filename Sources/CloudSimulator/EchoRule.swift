import TedgeProviderAPI

/// The generic cloud's configurable echo (`tedge-cloud-sim run --echo 'FILTER=TOPIC'`): a device message on a topic
/// that `FILTER` matches is answered with the same payload on `TOPIC`, whose `+` levels take the levels the filter's
/// `+` matched, in order, and whose `#` takes what the filter's `#` matched. So a user-defined cloud's connection
/// check has something to answer it: `v1/devices/me/attributes/request/+=v1/devices/me/attributes/response/+`
/// answers ThingsBoard's attribute request 7 on response 7.
public struct EchoRule: Sendable, Equatable {
    public let filter: MQTTTopicFilter
    public let response: String

    /// `FILTER=TOPIC`; `TOPIC` may use no more `+` than `FILTER`, and `#` only when `FILTER` ends with one.
    public init(parsing text: String) throws(TedgeError) {
        guard let separator = text.firstIndex(of: "="), let filter = MQTTTopicFilter(String(text[..<separator])) else {
            throw TedgeError("'\(text)' is not an echo rule: FILTER=TOPIC, FILTER an MQTT topic filter")
        }
        let response = String(text[text.index(after: separator)...])
        let levels = response.split(separator: "/", omittingEmptySubsequences: false)
        let filterLevels = filter.text.split(separator: "/", omittingEmptySubsequences: false)
        guard !response.isEmpty, levels.filter({ $0 == "+" }).count <= filterLevels.filter({ $0 == "+" }).count,
            !levels.contains("#") || (filterLevels.last == "#" && levels.last == "#"),
            levels.allSatisfy({ !$0.contains("+") && !$0.contains("#") || $0 == "+" || $0 == "#" })
        else {
            throw TedgeError("'\(text)' is not an echo rule: TOPIC's wildcards must be ones FILTER captures, in order")
        }
        self.filter = filter
        self.response = response
    }

    /// The answer's topic for a message on `topic`; nil when the filter does not match it.
    public func responseTopic(for topic: String) -> String? {
        guard filter.matches(topic) else { return nil }
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        var singles: [Substring] = []
        var rest = ""
        for (index, level) in filter.text.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            if level == "+" { singles.append(topicLevels[index]) }
            if level == "#" { rest = topicLevels.dropFirst(index).joined(separator: "/") }
        }
        var next = singles.makeIterator()
        return response.split(separator: "/", omittingEmptySubsequences: false).map { level -> String in
            switch level {
            case "+": return String(next.next() ?? "")
            case "#": return rest
            default: return String(level)
            }
        }.joined(separator: "/")
    }
}
