import TedgeProviderAPI

/// IoT Hub's message properties as they travel in a topic: `$.ct=application%2Fjson&$.ce=utf-8&k=v`,
/// each key and value URL-encoded (`PercentEncoding`). Also reads the query of an Azure username or `?$rid=…`.
public enum MessageProperties {
    public static func parse(_ text: String) -> [String: String] {
        var properties: [String: String] = [:]
        for (key, value) in PercentEncoding.queryPairs(text) { properties[key] = value }
        return properties
    }

    /// The properties of an events or devicebound topic: what follows `messages/events/`.
    public static func ofTopic(_ topic: String) -> [String: String] {
        for marker in ["/messages/events/", "/messages/devicebound/"] {
            if let range = topic.range(of: marker) { return parse(String(topic[range.upperBound...])) }
        }
        return [:]
    }

    public static func decode(_ text: String) -> String { PercentEncoding.decode(text) }

    public static func encode(_ text: String) -> String { PercentEncoding.encode(text) }
}
