import Foundation
import TedgeProviderAPI
import TedgeRuntime
import Testing

/// Bad input on the `te/` topics, through the real Azure mapper, and what only Cumulocity's mapping refuses through
/// the real Cumulocity mapper: each gets thin-edge's error text on `te/errors` (and nothing goes to the cloud), and
/// the mapper goes on mapping.
@Suite(.serialized) struct TeBadInputTests {
    enum Expected {
        case exactly(String)
        case startingWith(String)
        /// From the builtin flow `mappers/az/flows/mea.toml`: thin-edge 2.x's `Error in <flow file>: ` first.
        case fromFlow(String)
    }

    static let twinKeyRule = "Keys that are empty, containing '/' or starting with '@' are not allowed"
    static let serviceParent =
        "Entity: 'device/main/service/tedge-mapper-az' can not be a parent of 'device/sc//' because it is a service. Only devices can be parents"

    /// Topic, payload, thin-edge's error text.
    static let cases: [(String, [UInt8], Expected)] = [
        // Unknown channels and malformed topics.
        ("te/device/main///x/y", bytes("{}"), .exactly(#"Channel group invalid: Invalid category: "x/y""#)),
        ("te/device/main///m", bytes("{}"), .exactly(#"Channel group invalid: Invalid category: "m""#)),
        ("te/device/main///m/a/b", bytes("{}"), .exactly(#"Channel group invalid: Invalid category: "m/a/b""#)),
        // Invalid registrations.
        ("te/device/c1//", bytes(#"{"name": "x"}"#), .exactly("missing field `@type`")),
        ("te/device/c1//", bytes(#"{"@type": "gateway"}"#), .exactly("unknown variant `gateway`, expected one of `device`, `child-device`, `service`")),
        ("te/device/c1//", bytes(#"{"@type": "child-device", "@id": 55}"#), .exactly("invalid type: integer `55`, expected a string")),
        ("te/device/c1//", bytes(#"[1]"#), .exactly("invalid type: sequence, expected struct EntityRegistrationPayload")),
        ("te/device/c1//", bytes(#""child""#), .exactly(#"invalid type: string "child", expected struct EntityRegistrationPayload"#)),
        ("te/device/c1//", bytes("{"), .startingWith("Invalid JSON: ")),
        ("te/device/c1//", [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], .startingWith("Invalid JSON: ")),
        // Malformed ids in a registration.
        ("te/device/c1//", bytes(#"{"@type": "child-device", "@parent": "a/b/c/d/e"}"#), .exactly("An entity topic identifier has at most 4 segments")),
        ("te/device/c1//", bytes(#"{"@type": "child-device", "@parent": "device/+//"}"#), .exactly("An entity topic identifier must be a valid MQTT topic")),
        ("te/device/c1//", bytes(#"{"@type": "child-device", "@health": "x/y/z/w/v"}"#), .exactly("An entity topic identifier has at most 4 segments")),
        // Parents.
        ("te/device/sc//", bytes(#"{"@type": "child-device", "@parent": "device/main/service/tedge-mapper-az"}"#), .exactly(serviceParent)),
        ("te/device/self//", bytes(#"{"@type": "child-device", "@parent": "device/self"}"#), .exactly("Entity: 'device/self//' can not be its own parent")),
        ("te/device/other//", bytes(#"{"@type": "device"}"#), .exactly("The main device was already registered at topic device/main//")),
        // Twin keys, in a registration and on the twin channel, and twin values.
        ("te/device/c1//", bytes(#"{"@type": "child-device", "a/b": 1}"#), .exactly("Invalid twin key: 'a/b'. \(twinKeyRule)")),
        ("te/device/c1//", bytes(#"{"@type": "child-device", "@owner": "me"}"#), .exactly("Invalid twin key: '@owner'. \(twinKeyRule)")),
        ("te/device/c1//", bytes(#"{"@type": "child-device", "": 1}"#), .exactly("Invalid twin key: ''. \(twinKeyRule)")),
        ("te/device/main///twin/@x", bytes("1"), .exactly("Invalid twin key: '@x'. \(twinKeyRule)")),
        ("te/device/main///twin/os", bytes("unquoted value"), .exactly("expected value at line 1 column 1")),
        // Updates of a registered entity (te/device/known// is registered first).
        ("te/device/known//", bytes(#"{"@type": "service"}"#), .exactly("Updating the entity type of device/known// is not supported")),
        ("te/device/known//", bytes(#"{"@type": "child-device", "@id": "k2"}"#), .exactly("Updating the external id of device/known// is not supported")),
        // Telemetry thin-edge's steps refuse: in the builtin flow, and too large to be received whole.
        ("te/device/main///m/x", bytes(#"{"time": "yesterday", "t": 1}"#), .fromFlow("Input message cannot be processed: Failed to format message timestamp as unix")),
        ("te/device/main///e/big", bytes(#"{"text":""# + String(repeating: "x", count: 262_100) + #""}"#), .fromFlow("Input message cannot be processed: Payload is too large >262144")),
        ("te/device/main///e/huge", Array(repeating: UInt8(ascii: "x"), count: 600_000), .exactly("Input message cannot be processed: Payload is too large >262144")),
    ]

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func everyBadInputIsReportedAndTheMapperGoesOn() async throws {
        let topics = "te/+/+/+/+/m/+,te/+/+/+/+/e/+,te/+/+/+/+/a/+,te/+/+/+/+/status/health"
            + ",te/+/+/+/+/+,te/+/+/+/+/x/+,te/+/+/+/+/m/+/+,te/+/+/+/+/twin/+"
        let az = try await TeMapperHarness(cloud: "az", settings: [("az.topics", topics)])
        try await az.startMapper()
        try await az.publish("te/device/known//", #"{"@type": "child-device", "@id": "k1"}"#, retain: true)
        #expect(try await az.fence().isEmpty)
        var reported = 0
        for (topic, payload, expected) in Self.cases {
            try await az.publish(topic, payload, retain: !topic.contains("///"))
            let published = try await az.fence()
            let errors = published.filter { $0.topic == "te/errors" }.compactMap(\.text)
            let preview = String(decoding: payload.prefix(60), as: UTF8.self)
            #expect(errors.count == 1, "\(topic) \(preview): \(errors)")
            switch expected {
            case .exactly(let text): #expect(errors.first == text, "\(topic) \(preview)")
            case .startingWith(let text): #expect(errors.first?.hasPrefix(text) == true, "\(topic) \(preview): \(errors)")
            case .fromFlow(let text):
                #expect(errors.first == "Error in \(az.directory)/mappers/az/flows/mea.toml: \(text)", "\(topic) \(preview)")
            }
            #expect(published.allSatisfy { $0.topic.hasPrefix("te/") }, "\(topic): nothing goes to the cloud")
            if errors.count == 1 { reported += 1 }
        }
        #expect(Self.cases.count >= 15)
        #expect(reported == Self.cases.count)
        #expect(az.isMapperRunning)

        // And it goes on mapping: good input, and input that is not JSON (passed through as it came, not an error).
        try await az.publish("te/device/main///m/ok", #"{"ok": 1}"#)
        try await az.publish("te/device/main///m/raw", [0xFF, 0x00, 0x41])
        let after = try await az.fence()
        #expect(after.contains { $0.topic.hasPrefix("az/messages/events/") && $0.text?.hasPrefix(#"{"ok":1,"time":"#) == true })
        #expect(after.contains { $0.topic == "az/messages/events/" && $0.payload == [0xFF, 0x00, 0x41] })
        #expect(!after.contains { $0.topic == "te/errors" })
    }

    /// What the Cumulocity mapping refuses beyond the entity store's checks (its converter's unit tests hold more).
    static let cumulocityCases: [(String, [UInt8], String)] = [
        ("te/device/c1//", bytes(#"{"@type":"child-device","@id":"bad+id"}"#), "Invalid external ID: bad+id contains invalid character: +"),
        ("te/device/main///m/env", [0xFF, 0x7B], "Input message cannot be processed: Not an UTF8 payload"),
        (
            "te/device/main///m/env", bytes(#"{"a":{"b":{"c":1}}}"#),
            "Input message cannot be processed: Not a thin-edge measurement: Invalid JSON: Expect single-value measurement"
        ),
        (
            "te/device/main///a/x", [0xC3, 0x28],
            "Input message cannot be processed: Alarm conversion error: Failed to parse as an UTF-8 string the payload received on topic: te/device/main///a/x, due to error: invalid utf-8 sequence of 1 bytes from index 0."
        ),
        (
            "te/device/main///e/click", bytes("[1]"),
            "Input message cannot be processed: Not an event payload: Parsing of event message received on topic: te/device/main///e/click failed due to error: invalid type: sequence, expected struct ThinEdgeEventData. Snipped payload: [1]"
        ),
        ("te/device/main///twin/foo", bytes("unquoted value"), "expected value at line 1 column 1"),
    ]

    @Test func cumulocityReportsWhatItsMappingRefusesAndGoesOn() async throws {
        let c8y = try await TeMapperHarness(cloud: "c8y")
        try await c8y.startMapper()
        var reported = 0
        for (topic, payload, expected) in Self.cumulocityCases {
            try await c8y.publish(topic, payload, retain: !topic.contains("///") || topic.contains("/twin/"))
            let published = try await c8y.fence()
            let errors = published.filter { $0.topic == "te/errors" }.compactMap(\.text)
            #expect(errors == [expected], "\(topic)")
            #expect(published.allSatisfy { $0.topic.hasPrefix("te/") }, "\(topic): nothing goes to the cloud")
            if errors == [expected] { reported += 1 }
        }
        #expect(reported == Self.cumulocityCases.count)
        try await c8y.publish("te/device/main///m/ok", #"{"ok": 1}"#)
        #expect(try await c8y.fence().map(\.topic) == ["c8y/measurement/measurements/create"])
        #expect(c8y.isMapperRunning)
    }
}
