import Foundation
import TedgeCloudC8y
import TedgeProviderAPI
import Testing

@Suite struct CumulocityConverterTests {
    static func cases(_ file: String) throws -> [[String: Any]] {
        let url = try #require(Bundle.module.url(forResource: file, withExtension: "json", subdirectory: "Fixtures"))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
    }

    static let fixedNow = try! Timestamp(rfc3339: "2021-04-08T00:00:00+05:00")

    func converter(threshold: Int = CumulocityConverter.sizeThreshold) -> CumulocityConverter {
        CumulocityConverter(
            supportedOperations: ["c8y_Restart", "c8y_SoftwareUpdate"], sizeThreshold: threshold, clock: { Self.fixedNow })
    }

    @Test func translatorFixtures() throws {
        var processed = 0
        for entry in try Self.cases("c8y_converter") {
            let name = try #require(entry["name"] as? String)
            guard name.hasPrefix("translator/"), let input = entry["input"] as? [String: Any] else { continue }
            let payload = try #require(input["payload"] as? String)
            let child = input["child_id"] as? String
            let measurement = try ThinEdgeJSON.parse(Array(payload.utf8)).get()
            let json = CumulocityConverter.measurementJSON(measurement, child: child, now: { Self.fixedNow })
            #expect(json == entry["expected"] as? String, "\(name)")
            processed += 1
        }
        #expect(processed == 4)
    }

    @Test func mapperSequenceFixtures() throws {
        var processed = 0
        for entry in try Self.cases("c8y_converter") {
            let name = try #require(entry["name"] as? String)
            guard name.hasPrefix("mapper/"), let inputs = entry["input"] as? [[String: Any]] else { continue }
            processed += 1
            var converter = converter()
            var last: Result<[MQTTMessage], ConversionError>?
            for input in inputs {
                last = converter.convert(MQTTMessage(topic: input["topic"] as! String, text: input["payload"] as! String))
            }
            let expected = try #require(entry["expected"] as? [[String: Any]])
            switch try #require(last) {
            case .success(let outputs):
                #expect(outputs.map(\.topic) == expected.map { $0["topic"] as! String }, "\(name)")
                #expect(outputs.map { $0.text ?? "" } == expected.map { $0["payload"] as! String }, "\(name)")
            case .failure(let error):
                #expect(entry["kind"] as? String == "error", "\(name)")
                #expect(error.description.hasPrefix("Invalid JSON: "), "\(name)")
            }
        }
        #expect(processed == 4)
    }

    @Test func sizeThresholdAndChildIDs() throws {
        var converter = converter(threshold: 16_384)
        let big = String(repeating: "Some data!", count: 2_048)
        #expect(throws: ConversionError("The input size 20480 is too big. The threshold is 16384.")) {
            try converter.convert(MQTTMessage(topic: "tedge/measurements", text: big)).get()
        }
        #expect(throws: ConversionError("The given Child ID '' is invalid.")) {
            try MeasurementTopic.childID(of: "tedge/measurements/").get()
        }
        #expect(try MeasurementTopic.childID(of: "tedge/measurements").get() == nil)
        #expect(try MeasurementTopic.childID(of: "foo/bar").get() == nil)
        #expect(try MeasurementTopic.childID(of: "tedge/measurements/child1").get() == "child1")
    }

    @Test func supportedOperationsAtStartup() {
        var converter = converter()
        #expect(
            converter.startupMessages() == [
                MQTTMessage(topic: "c8y/s/us", text: "114,c8y_Restart,c8y_SoftwareUpdate\n", qos: .atLeastOnce)
            ])
    }

    /// Every fixture runs through one of the shapes below; the count proves none is skipped.
    @Test func smartRESTAndAlarmsAndEvents() throws {
        let entries = try Self.cases("c8y_smartrest_alarms_events")
        var processed = 0
        for entry in entries {
            let name = try #require(entry["name"] as? String)
            if let input = entry["input"] as? [String: Any], let template = input["template"] as? String {
                let text: String
                switch template {
                case "SetSupportedOperations": text = SmartREST.supportedOperations(input["operations"] as! [String])
                case "SetOperationToSuccessful": text = SmartREST.operationSuccessful(input["operation"] as! String)
                case "SetOperationToFailed":
                    text = SmartREST.operationFailed(input["operation"] as! String, reason: input["reason"] as! String)
                default:
                    Issue.record("\(name): unknown template \(template)")
                    continue
                }
                #expect(text == entry["expected"] as? String, "\(name)")
                processed += 1
            } else if let line = entry["input"] as? String, line.hasPrefix("528,") {
                let requestID = ((entry["config"] as? [String: Any])?["request_id"] as? String) ?? "1"
                let result = SoftwareUpdateRequest.parse(line, requestID: requestID)
                if entry["kind"] as? String == "error" {
                    #expect(throws: ConversionError.self, "\(name)") { try result.get() }
                } else {
                    let produced = try JSONSerialization.jsonObject(with: Data(try result.get().utf8)) as? NSDictionary
                    let expected = try #require(entry["expected"] as? [String: Any]) as NSDictionary
                    #expect(produced == expected, "\(name)")
                }
                processed += 1
            } else if let input = entry["input"] as? [String: Any], let type = input["type"] as? String,
                let data = input["data"] as? [String: Any]
            {
                // The event translation: what tedge/events/<type> with this payload becomes.
                var converter = converter()
                let payload = String(decoding: try JSONSerialization.data(withJSONObject: data), as: UTF8.self)
                let output = try #require(
                    try converter.convert(MQTTMessage(topic: "tedge/events/\(type)", text: payload)).get().first)
                let expected = try #require(entry["expected"] as? [String: String])
                #expect(output.text == "400,\(expected["type"]!),\"\(expected["text"]!)\",\(expected["time"]!)", "\(name)")
                processed += 1
            } else if let input = entry["input"] as? [String: Any], let topic = input["topic"] as? String,
                let payload = input["payload"] as? String
            {
                var converter = converter()
                let result = converter.convert(MQTTMessage(topic: topic, text: payload))
                if entry["kind"] as? String == "error" {
                    #expect(throws: ConversionError(entry["expected"] as! String), "\(name)") { try result.get() }
                } else {
                    let expected = try #require(entry["expected"] as? [String: Any])
                    let output = try #require(try result.get().first)
                    #expect(output.topic == expected["topic"] as? String, "\(name)")
                    if let exact = expected["payload"] as? String {
                        #expect(output.text == exact, "\(name)")
                    } else if let includes = expected["payload_includes"] as? [String: String] {
                        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.payload)) as? [String: Any])
                        for (key, value) in includes { #expect(object[key] as? String == value, "\(name): \(key)") }
                    } else {
                        Issue.record("\(name): no expected payload")
                    }
                }
                processed += 1
            } else {
                Issue.record("\(name): fixture shape not handled")
            }
        }
        #expect(processed == entries.count)
        #expect(entries.count == 17)
    }

    @Test func softwareUpdateFromTheCloudBecomesALocalRequest() throws {
        var converter = converter()
        let outputs = try converter.convert(
            MQTTMessage(topic: "c8y/s/ds", text: "510,my-device\n528,my-device,nodered,1.0.0::debian,,install")
        ).get()
        #expect(outputs.count == 1)
        #expect(outputs.first?.topic == "tedge/commands/req/software/update")
        #expect(outputs.first?.text?.contains(#""modules":[{"name":"nodered","version":"1.0.0","action":"install"}]"#) == true)
        #expect(try converter.convert(MQTTMessage(topic: "c8y/s/ds", text: "510,my-device")).get().isEmpty)
        #expect(throws: ConversionError.self) {
            try converter.convert(MQTTMessage(topic: "c8y/s/ds", text: "528,d,n,1,,upgrade")).get()
        }
    }

    @Test func eventWithoutTextUsesItsType() throws {
        var converter = converter()
        let output = try converter.convert(
            MQTTMessage(topic: "tedge/events/click_event", text: #"{"time": "2021-04-23T19:00:00+05:00"}"#)
        ).get()
        #expect(output.first?.text == #"400,click_event,"click_event",2021-04-23T19:00:00+05:00"#)
    }
}
