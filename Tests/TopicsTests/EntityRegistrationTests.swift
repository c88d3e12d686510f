import TedgeMessaging
import TedgeThinEdgeJSON
import TedgeTopics
import Testing

/// Registration messages: what thin-edge accepts, its error texts, and its serialisation (keys in alphabetical order).
@Suite struct EntityRegistrationTests {
    let child = try! EntityTopicID("device/child1//")

    func parse(_ text: String) throws(EntityRegistrationError) -> EntityRegistration {
        try EntityRegistration(topicID: child, payload: Array(text.utf8))
    }

    @Test func fieldsAndTwinData() throws {
        let registration = try parse(#"{"@type": "child-device", "@id": "xid", "@parent": "device/gw", "name": "Child1", "type": "Pi", "n": 3}"#)
        #expect(registration.type == .childDevice)
        #expect(registration.externalID == "xid")
        #expect(registration.parent?.description == "device/gw//")
        #expect(registration.name == "Child1")
        #expect(registration.displayType == "Pi")
        #expect(registration.twin("n") == .integer(3))
    }

    @Test func thinEdgesErrors() {
        let cases: [(String, String)] = [
            (#"{"name": "x"}"#, "missing field `@type`"),
            (#"{"@type": "gateway"}"#, "unknown variant `gateway`, expected one of `device`, `child-device`, `service`"),
            (#"{"@type": "child-device", "@id": 55}"#, "invalid type: integer `55`, expected a string"),
            (#"{"@type": "child-device", "@parent": "a/b/c/d/e"}"#, "An entity topic identifier has at most 4 segments"),
            (#"{"@type": "child-device", "@health": "a/+"}"#, "An entity topic identifier must be a valid MQTT topic"),
            (#"{"@type": "child-device", "a/b": 1}"#,
                "Invalid twin key: 'a/b'. Keys that are empty, containing '/' or starting with '@' are not allowed"),
            (#"{"@type": "child-device", "@owner": 1}"#,
                "Invalid twin key: '@owner'. Keys that are empty, containing '/' or starting with '@' are not allowed"),
            (#"{"@type": "child-device", "": 1}"#,
                "Invalid twin key: ''. Keys that are empty, containing '/' or starting with '@' are not allowed"),
            (#"[1]"#, "invalid type: sequence, expected struct EntityRegistrationPayload"),
        ]
        for (payload, text) in cases {
            #expect(throws: EntityRegistrationError(text), "\(payload)") { try parse(payload) }
        }
        #expect(throws: EntityRegistrationError.self) { try parse("{") }
        #expect(throws: EntityRegistrationError.self) { try EntityRegistration(topicID: child, payload: [0x7B, 0xFF, 0x7D]) }
    }

    @Test func serialisedWithKeysInAlphabeticalOrder() throws {
        let registration = EntityRegistration(
            topicID: try EntityTopicID("device/main/service/test"), type: .service, parent: .mainDevice,
            twinData: [("type", .string("service")), ("name", .string("test"))])
        let message = registration.message(in: TopicSchema())
        #expect(message.topic == "te/device/main/service/test")
        #expect(message.text == #"{"@parent":"device/main//","@type":"service","name":"test","type":"service"}"#)
        #expect(message.retain && message.qos == .atLeastOnce)
        let nested = try parse(#"{"z": {"b": 1, "a": [{"d": 1, "c": 2}]}, "@type": "child-device", "@id": "x"}"#)
        #expect(nested.payload == #"{"@id":"x","@type":"child-device","z":{"a":[{"c":2,"d":1}],"b":1}}"#)
        #expect(try parse(nested.payload).payload == nested.payload)
    }
}
