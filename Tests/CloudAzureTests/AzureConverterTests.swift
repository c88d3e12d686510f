import Foundation
import TedgeCloudAzure
import TedgeProviderAPI
import Testing

@Suite struct AzureConverterTests {
    static func cases() throws -> [[String: Any]] {
        let url = try #require(Bundle.module.url(forResource: "azure_converter", withExtension: "json", subdirectory: "Fixtures"))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
    }

    @Test func conformanceFixtures() throws {
        let cases = try Self.cases()
        #expect(cases.count == 6)
        for entry in cases {
            let name = try #require(entry["name"] as? String)
            let input = try #require(entry["input"] as? [String: Any])
            let config = try #require(entry["config"] as? [String: Any])
            let now = try Timestamp(rfc3339: try #require(config["clock_now"] as? String))
            // thin-edge's fixtures predate the message properties: the bare events topic.
            var converter = AzureConverter(
                addTimestamp: try #require(config["add_timestamp"] as? Bool), messageProperties: false,
                sizeThreshold: try #require(config["size_threshold"] as? Int), clock: { now })
            let message = MQTTMessage(
                topic: try #require(input["topic"] as? String), text: try #require(input["payload"] as? String))
            let expected = try #require(entry["expected"] as? [String: Any])
            switch converter.convert(message) {
            case .success(let outputs):
                #expect(entry["kind"] as? String == "output", "\(name)")
                #expect(outputs.count == 1)
                #expect(outputs.first?.topic == expected["topic"] as? String, "\(name)")
                #expect(outputs.first?.text == expected["payload"] as? String, "\(name)")
                #expect(outputs.first?.qos == .atLeastOnce)
            case .failure(let error):
                #expect(entry["kind"] as? String == "error", "\(name)")
                let text = try #require(expected["payload"] as? String)
                if entry["compare"] as? String == "exact" {
                    #expect(error.description == text, "\(name)")
                } else {
                    #expect(error.description.hasPrefix("Invalid JSON: "), "\(name)")
                }
            }
        }
    }

    @Test func measurementsCarryContentTypeAndEncodingByDefault() throws {
        var converter = AzureConverter(addTimestamp: false)
        let outputs = try converter.convert(MQTTMessage(topic: "tedge/measurements", text: #"{"temperature": 20}"#)).get()
        #expect(outputs.map(\.topic) == ["az/messages/events/$.ct=application%2Fjson&$.ce=utf-8"])
        #expect(outputs.first?.text == #"{"temperature":20.0}"#)
    }

    @Test func messagePropertiesCanBeTurnedOff() throws {
        var converter = AzureConverter(addTimestamp: false, messageProperties: false)
        let outputs = try converter.convert(MQTTMessage(topic: "tedge/measurements", text: #"{"temperature": 20}"#)).get()
        #expect(outputs.map(\.topic) == ["az/messages/events/"])
    }

    @Test func defaultThresholdIsAzures() {
        var converter = AzureConverter(addTimestamp: false)
        let big = MQTTMessage(topic: "tedge/measurements", payload: Array(repeating: UInt8(ascii: " "), count: 261_121))
        #expect(throws: ConversionError("The input size 261121 is too big. The threshold is 261120.")) {
            try converter.convert(big).get()
        }
    }

    @Test func neverCrashesOnHostileInput() {
        var converter = AzureConverter(addTimestamp: true)
        let inputs: [[UInt8]] = [
            [], [0xFF, 0xFE], Array("{".utf8), Array(String(repeating: "[", count: 10_000).utf8),
            Array(String(repeating: "{\"a\":", count: 5_000).utf8), Array("{\"a\":1e999999}".utf8),
            Array("{\"\\u0000\":1}".utf8), Array("\u{0}".utf8), Array("null".utf8), Array("{\"a\":-0}".utf8),
        ]
        for payload in inputs {
            let result = converter.convert(MQTTMessage(topic: "tedge/measurements", payload: payload))
            switch result {
            case .success(let outputs): #expect(outputs.count == 1)
            case .failure(let error): #expect(!error.description.isEmpty)
            }
        }
    }

    /// The te/ topics: JSON on the properties topic, anything else on the bare one (it is not JSON); registrations
    /// kept in the store, their errors and auto-registrations published; legacy topics untouched.
    @Test func teTopics() throws {
        var converter = AzureConverter(addTimestamp: false)
        func convert(_ topic: String, _ payload: String) throws -> [MQTTMessage] {
            try converter.convert(MQTTMessage(topic: topic, text: payload, qos: .atLeastOnce)).get()
        }
        #expect(
            try convert("te/device/main///m/env", #"{"temperature": 21}"#)
                == [MQTTMessage(topic: AzureConverter.propertiesTopic, text: #"{"temperature": 21}"#, qos: .atLeastOnce)])
        #expect(try convert("te/device/main///m/env", "not JSON").map(\.topic) == [AzureConverter.outputTopic])
        let child = try convert("te/device/child1///e/login", #"{"text": "x"}"#)
        #expect(child.map(\.topic) == ["te/device/child1//", AzureConverter.propertiesTopic])
        #expect(child.first?.text == #"{"@parent":"device/main//","@type":"child-device","name":"child1"}"#)
        #expect(child.first?.retain == true)
        #expect(try convert("te/device/child1//", #"{"@parent":"device/main//","@type":"child-device","name":"child1"}"#).isEmpty)
        #expect(
            try convert("te/device/child1//", #"{"@type":"service"}"#)
                == [MQTTMessage(topic: "te/errors", text: "Updating the entity type of device/child1// is not supported", qos: .atLeastOnce)])
        #expect(try convert("te/errors", "anything").isEmpty)
        #expect(try convert("te/device/main/service/mosquitto-c8y-bridge/status/health", "1").allSatisfy { $0.topic.hasPrefix("te/") })
        #expect(converter.te.store.count == 3)
        #expect(converter.reportOversized(topic: "te/device/main///m/", payloadBytes: 1 << 20)?.first?.text == "Input message cannot be processed: Payload is too large >262144")
        #expect(converter.reportOversized(topic: "tedge/measurements", payloadBytes: 1 << 20) == nil)
        #expect(converter.inputLimit == MessageSizeLimit(bytes: 262_144))
    }
}
