import Foundation
import TedgeCloudAws
import TedgeCloudAzure
import TedgeFlows
import TedgeProviderAPI
import TedgeTopics
import Testing

/// The builtin az and aws `mea.toml` flows: their text as thin-edge 2.0 writes it, and thin-edge's own
/// vectors run through the flow engine (Fixtures/te_topics_mea.json; each case names its source).
@Suite struct BuiltinFlowsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name, cloud, topic, payload, compare: String
        let retain: Bool
        let settings: [String: String]
        let expected: [(topic: String, payload: String)]
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let url = Bundle.module.url(forResource: "te_topics_mea", withExtension: "json", subdirectory: "Fixtures")!
        let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map { entry in
            let input = entry["input"] as! [String: Any]
            return Case(
                name: entry["name"] as! String, cloud: entry["cloud"] as! String, topic: input["topic"] as! String,
                payload: input["payload"] as! String, compare: entry["compare"] as! String, retain: input["retain"] as! Bool,
                settings: Dictionary(uniqueKeysWithValues: (entry["settings"] as! [[String]]).map { ($0[0], $0[1]) }),
                expected: (entry["expected"] as! [[String: String]]).map { ($0["topic"]!, $0["payload"]!) })
        }
    }()

    /// The clock of thin-edge's aws tests at HEAD.
    static let clock = UnixTime(rfc3339: "2021-04-07T19:00:00Z")!

    static func flow(for testCase: Case) -> BuiltinFlow {
        let cloud = testCase.cloud
        let timestamp = testCase.settings["\(cloud).mapper.timestamp"] != "false"
        let format = testCase.settings["\(cloud).mapper.timestamp_format"] ?? "unix"
        let prefix = testCase.settings["\(cloud).bridge.topic_prefix"] ?? cloud
        if cloud == "az" {
            let size = testCase.settings["az.mapper.mqtt.max_payload_size"].flatMap { Int($0) } ?? 262_144
            return AzureBuiltinFlows.measurements(
                version: "1.0.0", timestamp: timestamp, timestampFormat: format, maxPayloadSize: size, topicPrefix: prefix)
        }
        let size = testCase.settings["aws.mapper.mqtt.max_payload_size"].flatMap { Int($0) } ?? 131_072
        return AwsBuiltinFlows.measurements(
            version: "1.0.0", timestamp: timestamp, timestampFormat: format, maxPayloadSize: size, topicPrefix: prefix)
    }

    @Test(arguments: cases)
    func thinEdgesVectors(testCase: Case) throws {
        let directory = FlowsDirectory()
        directory.write("mea.toml", Self.flow(for: testCase).text)
        let engine = FlowEngine(directory: directory.path)
        _ = engine.start(at: Self.clock)
        #expect(engine.brokenFlows.isEmpty)
        let output = engine.process(
            FlowMessage(topic: testCase.topic, payload: Array(testCase.payload.utf8), qos: .atLeastOnce, retain: testCase.retain),
            at: Self.clock)
        let published = output.published
        if testCase.compare == "none" {
            #expect(published.isEmpty)
            return
        }
        #expect(published.map(\.topic) == testCase.expected.map(\.topic))
        for (message, expected) in zip(published, testCase.expected) {
            let now =
                (testCase.settings["\(testCase.cloud).mapper.timestamp_format"] ?? "unix") == "unix" ? "" : Self.clock.rfc3339!
            let wanted = expected.payload.replacingOccurrences(of: "<now>", with: now)
            switch testCase.compare {
            case "exact": #expect(message.payloadText == wanted)
            case "contains": #expect(message.payloadText.contains(wanted), "\(message.payloadText)")
            case "json", "json-time-now":
                let actual = try JSONSerialization.jsonObject(with: Data(message.payload)) as? NSDictionary
                let expectation = try JSONSerialization.jsonObject(with: Data(wanted.utf8)) as? NSDictionary
                #expect(actual == expectation, "\(message.payloadText)")
            default: Issue.record("unknown comparison \(testCase.compare)")
            }
        }
    }

    @Test func azuresFlowTextIsThinEdges() {
        let flow = AzureBuiltinFlows.measurements(version: "2.0.1")
        #expect(flow.name == "mea")
        #expect(
            flow.text == """
                version = "2.0.1"

                input.mqtt.topics = ["te/+/+/+/+/m/+", "te/+/+/+/+/e/+", "te/+/+/+/+/a/+", "te/+/+/+/+/status/health"]

                steps = [
                    { builtin = "skip-mosquitto-health-status" },
                    { builtin = "add-timestamp", config = { property = "time", format = "unix", reformat = true } },
                    { builtin = "limit-payload-size", config = { max_size = 262144 } },
                ]

                output.mqtt.topic = "az/messages/events/"
                errors.mqtt.topic = "te/errors"

                """)
    }

    @Test func awsFlowTextIsThinEdgesAndLeavesTheTimestampStepOutWhenAsked() {
        let flow = AwsBuiltinFlows.measurements(version: "2.0.1", timestamp: false, topicPrefix: "custom-prefix")
        #expect(
            flow.text == """
                version = "2.0.1"

                input.mqtt.topics = ["te/+/+/+/+/m/+", "te/+/+/+/+/e/+", "te/+/+/+/+/a/+", "te/+/+/+/+/status/health"]

                steps = [
                    { builtin = "skip-mosquitto-health-status" },
                \("    ")
                    { builtin = "limit-payload-size", config = { max_size = 131072 } },
                    { builtin = "set-aws-topic", config = { prefix = "custom-prefix" } },
                ]

                errors.mqtt.topic = "te/errors"

                """)
    }

    @Test func aUserCanEditTheWrittenFlow() {
        // thin-edge's Robot test edits mea.toml with sed, from unix to rfc3339 (AZ-16).
        let directory = FlowsDirectory()
        let text = AzureBuiltinFlows.measurements(version: "2.0.1", maxPayloadSize: 128).text
        directory.write("mea.toml", text)
        let engine = FlowEngine(directory: directory.path)
        _ = engine.start(at: Self.clock)
        let before = engine.process(
            FlowMessage(topic: "te/device/child-az///m/env", text: #"{"temperature1":10, "time":1768404563.338 }"#))
        #expect(before.messages.map(\.payloadText) == [#"{"temperature1":10,"time":1768404563.338}"#])
        directory.write("mea.toml", text.replacingOccurrences(of: "\"unix\"", with: "\"rfc3339\""))
        #expect(engine.reload(at: Self.clock).statuses.map(\.state) == [.updated])
        let after = engine.process(
            FlowMessage(topic: "te/device/child-az///m/env", text: #"{"temperature2":10, "time":1768404563.338 }"#))
        #expect(after.messages.map(\.payloadText) == [#"{"temperature2":10,"time":"2026-01-14T15:29:23.338Z"}"#])
    }
}
