import Foundation
import TedgeProviderAPI
import TedgeRuntime
import Testing

/// The `te/` conformance cases (Fixtures/te_topics.json, from thin-edge's own tests) through the real mapper on a
/// real broker: settings with `tedge config set`, `before` published retained, then the input; what the mapper
/// publishes up to the next fence is compared as the case says (in the modes that compare whole payloads, nothing else
/// may go to an expected topic: the window holds the input's outputs only). Every case of every cloud runs.
@Suite(.serialized) struct TeTopicsConformanceTests {
    /// The clouds whose mapper maps the `te/` topics, and how many cases each must run.
    static let expectedRuns = ["az": 15, "aws": 14, "c8y": 22]

    struct Case {
        let name: String
        let cloud: String
        let settings: [(String, String)]
        let before: [(topic: String, payload: String, retain: Bool)]
        let input: (topic: String, payload: String, retain: Bool)
        let expected: [(topic: String, payload: String)]
        let compare: String
    }

    static func cases() throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "te_topics", withExtension: "json", subdirectory: "Fixtures"))
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        func message(_ value: Any?) throws -> (topic: String, payload: String, retain: Bool) {
            let entry = try #require(value as? [String: Any])
            return (try #require(entry["topic"] as? String), try #require(entry["payload"] as? String), entry["retain"] as? Bool ?? false)
        }
        return try entries.map { entry in
            Case(
                name: try #require(entry["name"] as? String), cloud: try #require(entry["cloud"] as? String),
                settings: try #require(entry["settings"] as? [[String]]).map { ($0[0], $0[1]) },
                before: try #require(entry["before"] as? [Any]).map(message),
                input: try message(entry["input"]),
                expected: try #require(entry["expected"] as? [Any]).map { let m = try message($0); return (m.topic, m.payload) },
                compare: try #require(entry["compare"] as? String))
        }
    }

    @Test func theFixturesAreAll51Cases() throws {
        let cases = try Self.cases()
        #expect(cases.count == 51)
        #expect(Dictionary(grouping: cases, by: \.cloud).mapValues(\.count) == ["az": 15, "aws": 14, "c8y": 22])
    }

    @Test func everyCaseOfEveryMappedCloud() async throws {
        var ran: [String: Int] = [:]
        for entry in try Self.cases() where Self.expectedRuns[entry.cloud] != nil {
            try await run(entry)
            ran[entry.cloud, default: 0] += 1
        }
        #expect(ran == Self.expectedRuns)
    }

    func run(_ entry: Case) async throws {
        let harness = try await TeMapperHarness(cloud: entry.cloud, settings: entry.settings)
        try await harness.startMapper()
        for message in entry.before { try await harness.publish(message.topic, message.payload, retain: message.retain) }
        _ = try await harness.fence()
        try await harness.publish(entry.input.topic, entry.input.payload, retain: entry.input.retain)
        let published = try await harness.fence()
        let report = published.map { "\($0.topic) \($0.text ?? "<bytes>")" }.joined(separator: "\n")
        if entry.compare == "none" {
            let cloudOrErrors = published.filter { !$0.topic.hasPrefix("te/") || $0.topic == "te/errors" }
            #expect(cloudOrErrors.isEmpty, "\(entry.name): expected nothing, got\n\(report)")
        }
        for expected in entry.expected {
            let found = published.contains {
                PayloadComparison.topicMatches(expected: expected.topic, actual: $0.topic)
                    && PayloadComparison.matches(entry.compare, expected: expected.payload, actual: $0.payload)
            }
            #expect(found, "\(entry.name): no \(expected.topic) \(expected.payload) (\(entry.compare)) in\n\(report)")
        }
        if ["exact", "json", "json-time-now"].contains(entry.compare) {
            for topic in Set(entry.expected.map(\.topic)) {
                let wanted = entry.expected.filter { $0.topic == topic }.count
                let got = published.filter { PayloadComparison.topicMatches(expected: topic, actual: $0.topic) }.count
                #expect(got == wanted, "\(entry.name): \(got) messages on \(topic), \(wanted) expected, in\n\(report)")
            }
        }
        #expect(harness.isMapperRunning, "\(entry.name): the mapper stopped")
    }
}
