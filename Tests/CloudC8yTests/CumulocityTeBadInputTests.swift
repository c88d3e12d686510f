import TedgeCloudC8y
import TedgeProviderAPI
import Testing

/// Bad `te/` input for the Cumulocity mapping: one plain-text error on `te/errors` in thin-edge's words (thin-edge's
/// builtin flows put `Error in <flow file>: ` first; we have no flow file), nothing to the cloud, and the mapping
/// goes on.
@Suite struct CumulocityTeBadInputTests {
    struct Case: Sendable {
        let before: [(String, String)]
        let topic: String
        let payload: [UInt8]
        let error: String

        init(before: [(String, String)] = [], _ topic: String, _ payload: String, _ error: String) {
            self.init(before: before, topic, Array(payload.utf8), error)
        }

        init(before: [(String, String)] = [], _ topic: String, _ payload: [UInt8], _ error: String) {
            self.before = before
            self.topic = topic
            self.payload = payload
            self.error = error
        }
    }

    static let cases: [Case] = [
        Case(
            "te/device/c1//", #"{"@type":"child-device","@id":"bad+id"}"#,
            "Invalid external ID: bad+id contains invalid character: +"),
        Case(
            "te/device/main/service/s1", #"{"@type":"service","@id":"a#b"}"#,
            "Invalid external ID: a#b contains invalid character: #"),
        Case(
            before: [("te/device/main/service/s1", #"{"@type":"service"}"#)], "te/device/c3//",
            #"{"@type":"child-device","@parent":"device/main/service/s1"}"#,
            "Entity: 'device/main/service/s1' can not be a parent of 'device/c3//' because it is a service. Only devices can be parents"
        ),
        Case(
            "te/device/c4//", #"{"@type":"sensor"}"#,
            "unknown variant `sensor`, expected one of `device`, `child-device`, `service`"),
        Case(
            "te/device/c5//", #"{"@type":"child-device","@parent":"a/b/c/d/e"}"#,
            "An entity topic identifier has at most 4 segments"),
        Case(
            before: [("te/device/c6//", #"{"@type":"child-device"}"#)], "te/device/c6//", #"{"@type":"service"}"#,
            "Updating the entity type of device/c6// is not supported"),
        Case("te/device/main///twin/foo", "unquoted value", "expected value at line 1 column 1"),
        Case(
            "te/device/main///twin/@foo", #""x""#,
            "Invalid twin key: '@foo'. Keys that are empty, containing '/' or starting with '@' are not allowed"),
        Case("te/device/main///config/x", "{}", #"Channel group invalid: Invalid category: "config/x""#),
        Case("te/device/main///m/env", [0xFF, 0x7B], "Input message cannot be processed: Not an UTF8 payload"),
        Case(
            "te/device/main///m/env", "{}",
            "Input message cannot be processed: Not a thin-edge measurement: Invalid JSON: Empty Thin Edge measurement: it must contain at least one measurement"
        ),
        Case(
            "te/device/main///m/env", #"{"a":{"b":{"c":1}}}"#,
            "Input message cannot be processed: Not a thin-edge measurement: Invalid JSON: Expect single-value measurement"),
        Case(
            "te/device/main///m/env", #"{"type":1}"#,
            #"Input message cannot be processed: Not a thin-edge measurement: Invalid JSON: Unexpected measurement name: "type" is a reserved word."#
        ),
        Case(
            "te/device/main///m/env", #"{"on":true}"#,
            "Input message cannot be processed: Not a thin-edge measurement: Invalid JSON: invalid type: boolean `true`, expected ThinEdge single or multi-value measurement"
        ),
        Case(
            "te/device/main///a/x", #"{"text": 5}"#,
            #"Input message cannot be processed: Alarm conversion error: Parsing of alarm message for the type: x failed due to error: invalid type: integer `5`, expected a string. Snipped payload: {"text": 5}"#
        ),
        Case(
            "te/device/main///a/x", [0xC3, 0x28],
            "Input message cannot be processed: Alarm conversion error: Failed to parse as an UTF-8 string the payload received on topic: te/device/main///a/x, due to error: invalid utf-8 sequence of 1 bytes from index 0."
        ),
        Case(
            "te/device/main///a/x", [0x61, 0xE2, 0x82],
            "Input message cannot be processed: Alarm conversion error: Failed to parse as an UTF-8 string the payload received on topic: te/device/main///a/x, due to error: incomplete utf-8 byte sequence from index 1."
        ),
        Case(
            "te/device/main///e/click", #"{"time":"yesterday"}"#,
            #"Input message cannot be processed: Not an event payload: Parsing of event message received on topic: te/device/main///e/click failed due to error: Invalid ISO8601 timestamp (expected YYYY-MM-DDThh:mm:ss.sss.±hh:mm): "yesterday": input contains invalid characters. Snipped payload: {"time":"yesterday"}"#
        ),
        Case(
            "te/device/main///e/click", "[1]",
            "Input message cannot be processed: Not an event payload: Parsing of event message received on topic: te/device/main///e/click failed due to error: invalid type: sequence, expected struct ThinEdgeEventData. Snipped payload: [1]"
        ),
    ]

    @Test func eachGivesOneErrorAndTheMappingGoesOn() {
        var checked = 0
        for badInput in Self.cases {
            var mapping = CumulocityTeMappingTests.mapping()
            for (topic, payload) in badInput.before { _ = mapping.convert(CumulocityTeMappingTests.message(topic, payload)) }
            let entities = mapping.store.count
            let outputs = mapping.convert(MQTTMessage(topic: badInput.topic, payload: badInput.payload, qos: .atLeastOnce))
            #expect(outputs == [MQTTMessage(topic: "te/errors", text: badInput.error, qos: .atLeastOnce)], "\(badInput.topic)")
            #expect(mapping.store.count == entities, "\(badInput.topic): no entity registered")
            // The next good message is mapped as usual.
            #expect(mapping.convert(CumulocityTeMappingTests.message("te/device/main///m/env", #"{"t":1}"#)).count == 1)
            checked += 1
        }
        #expect(checked == 19)
    }
}
