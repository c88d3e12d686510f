import Foundation
import TedgeCloudC8y
import TedgeProviderAPI
import Testing

/// thin-edge's own `te/` cases for `tedge-mapper c8y` (`Fixtures/te_topics_c8y.json`), each run through the
/// converter the provider's mapper builds, with the case's settings applied through the config keys.
@Suite struct CumulocityTeVectorTests {
    static func cases() throws -> [[String: Any]] {
        let url = try #require(Bundle.module.url(forResource: "te_topics_c8y", withExtension: "json", subdirectory: "Fixtures"))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
    }

    static func message(_ object: Any?) throws -> MQTTMessage {
        let fields = try #require(object as? [String: Any])
        return MQTTMessage(
            topic: try #require(fields["topic"] as? String), text: try #require(fields["payload"] as? String),
            qos: .atLeastOnce, retain: fields["retain"] as? Bool ?? false)
    }

    /// The mapper's converter for `test-device` with `settings` (`[[key, value]]`) set.
    static func converter(settings: [[String]]) throws -> any MessageConverter {
        let provider = CumulocityProvider()
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: provider.configKeys), directory: "/etc/tedge")
        try config.set(CumulocityProvider.deviceID, to: "test-device")
        for setting in settings {
            try config.set(try #require(config.schema.key(named: setting[0])), to: setting[1])
        }
        return try #require(provider.mapper(config)).makeConverter([])
    }

    @Test func everyVectorMaps() throws {
        let cases = try Self.cases()
        #expect(cases.count == 22)
        var passed = 0
        for entry in cases {
            let name = try #require(entry["name"] as? String)
            #expect(entry["cloud"] as? String == "c8y", "\(name)")
            #expect((entry["source"] as? [String: Any])?["repo"] as? String == "thin-edge/thin-edge.io", "\(name)")
            var converter = try Self.converter(settings: entry["settings"] as? [[String]] ?? [])
            for before in entry["before"] as? [Any] ?? [] { _ = converter.convert(try Self.message(before)) }
            let outputs = try converter.convert(try Self.message(entry["input"])).get()
            let expected = try #require(entry["expected"] as? [[String: String]])
            let compare = try #require(entry["compare"] as? String)
            if Self.matches(outputs, expected, compare: compare, name: name) { passed += 1 }
        }
        #expect(passed == 22)
    }

    /// Every expected message is among the outputs; in `exact` and `json` modes, nothing else goes to its topic.
    static func matches(_ outputs: [MQTTMessage], _ expected: [[String: String]], compare: String, name: String) -> Bool {
        var ok = true
        for wanted in expected {
            let topic = wanted["topic"] ?? ""
            let payload = wanted["payload"] ?? ""
            let candidates = outputs.filter { $0.topic == topic }
            let found = candidates.contains { output in
                let text = output.text ?? ""
                switch compare {
                case "exact": return text == payload
                case "json": return JSONComparison.equal(text, payload)
                case "json-subset": return JSONComparison.contains(text, payload)
                case "contains": return text.contains(payload)
                case "topic-only": return true
                default: return false
                }
            }
            if !found {
                Issue.record(
                    "\(name): no \(compare) match for \(topic) \(payload) in \(outputs.map { "\($0.topic) \($0.text ?? "")" })")
                ok = false
            }
            if compare == "exact" || compare == "json", candidates.count != expected.filter({ $0["topic"] == topic }).count {
                Issue.record("\(name): \(candidates.count) messages on \(topic): \(candidates.map { $0.text ?? "" })")
                ok = false
            }
        }
        return ok
    }
}
