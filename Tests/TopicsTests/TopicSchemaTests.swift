import TedgeTopics
import Testing

/// The `te/` topic scheme: ids, channels and thin-edge's error texts (crates/core/tedge_api/src/mqtt_topics.rs).
@Suite struct TopicSchemaTests {
    let te = TopicSchema()

    @Test func shortIdsArePaddedAndLongOnesRefused() throws {
        #expect(try EntityTopicID("device/child1").description == "device/child1//")
        #expect(try EntityTopicID("device").description == "device///")
        #expect(try EntityTopicID("").description == "///")
        #expect(try EntityTopicID("a/b/c/d").description == "a/b/c/d")
        #expect(throws: EntityTopicID.ParseError.tooLong) { try EntityTopicID("a/b/c/d/e") }
        #expect(throws: EntityTopicID.ParseError.invalidMQTTTopic) { try EntityTopicID("device/+//") }
        #expect(EntityTopicID.ParseError.tooLong.description == "An entity topic identifier has at most 4 segments")
    }

    @Test func theFirstFourSegmentsAreTheIdEvenWhenTheyLookLikeAChannel() throws {
        let (id, channel) = try te.parse("te/device/m/e/a/m/my_measurement")
        #expect(id.description == "device/m/e/a")
        #expect(channel == .measurement(type: "my_measurement"))
        #expect(throws: EntityTopicError.channel(.invalidCategory("m//my_measurement"))) {
            try te.parse("te/device/dev1/service/myservice/m//my_measurement")
        }
        // thin-edge trims every `/` between the id and the channel.
        #expect(try te.parse("te/a/b/c/d//m/x").1 == .measurement(type: "x"))
        let (short, registration) = try te.parse("te/device/child1")
        #expect(short.description == "device/child1//")
        #expect(registration == .entityMetadata)
    }

    @Test func everyChannelParsesAndPrintsBack() throws {
        let cases: [(String, Channel)] = [
            ("", .entityMetadata), ("twin/device_os", .twin(fragment: "device_os")), ("config", .config),
            ("m/env", .measurement(type: "env")), ("m/", .measurement(type: "")), ("m/env/meta", .measurementMetadata(type: "env")),
            ("e/login", .event(type: "login")), ("e/login/meta", .eventMetadata(type: "login")),
            ("a/high", .alarm(type: "high")), ("a/high/meta", .alarmMetadata(type: "high")),
            ("cmd/restart", .commandMetadata(operation: .restart)),
            ("cmd/software_update/c8y-mapper-1", .command(operation: .softwareUpdate, id: "c8y-mapper-1")),
            ("cmd/health/check", .command(operation: .health, id: "check")),
            ("cmd/my_op", .commandMetadata(operation: .custom("my_op"))),
            ("signal/sync", .signal(.sync)), ("signal/sync_log_upload", .signal(.syncOperation(.logUpload))),
            ("signal/refresh", .signal(.custom("refresh"))), ("status/health", .health),
            ("status/flows", .status(component: "flows")),
        ]
        for (text, channel) in cases {
            let topic = text.isEmpty ? "te/device/main//" : "te/device/main///\(text)"
            let (id, parsed) = try te.parse(topic)
            #expect(id == .mainDevice)
            #expect(parsed == channel, "\(topic)")
            #expect(te.topic(for: id, parsed) == topic)
        }
    }

    @Test func thinEdgesErrorTexts() {
        #expect(throws: EntityTopicError.root(expected: "te", got: "tedge")) { try te.parse("tedge/measurements") }
        #expect(
            EntityTopicError.root(expected: "te", got: "tedge").description == #"Fist topic segment expected to be "te", got "tedge""#)
        #expect(throws: EntityTopicError.root(expected: "te", got: "te")) { try te.parse("te") }
        for bad in ["te/device/main///x/y", "te/device/main///m", "te/device/main///m/a/b", "te/device/main///status",
            "te/device/main///cmd/a/b/c", "te/device/main///twin"]
        {
            #expect(throws: EntityTopicError.self, "\(bad)") { try te.parse(bad) }
        }
        #expect(
            EntityTopicError.channel(.invalidCategory("x/y")).description == #"Channel group invalid: Invalid category: "x/y""#)
    }

    @Test func aCustomRootAndTheErrorTopic() throws {
        let custom = TopicSchema(root: "thin-edge")
        #expect(custom.errorTopic == "thin-edge/errors")
        #expect(try custom.parse("thin-edge/device/main///m/").1 == .measurement(type: ""))
        #expect(custom.contains("thin-edge/x") && !custom.contains("te/x") && !custom.contains("thin-edge"))
        #expect(throws: EntityTopicError.self) { try custom.parse("te/device/main///m/") }
        #expect(te.telemetryFilters == ["te/+/+/+/+/m/+", "te/+/+/+/+/e/+", "te/+/+/+/+/a/+", "te/+/+/+/+/status/health"])
        #expect(te.registrationFilter == "te/+/+/+/+")
    }

    @Test func defaultSchemeHelpers() throws {
        let service = try EntityTopicID.service("collectd", ofDevice: "child1")
        #expect(service.description == "device/child1/service/collectd")
        #expect(service.defaultDeviceName == "child1")
        #expect(service.defaultServiceName == "collectd")
        #expect(service.defaultServiceParent?.description == "device/child1//")
        #expect(try EntityTopicID.childDevice("c").defaultService(named: "s")?.description == "device/c/service/s")
        #expect(try EntityTopicID("factory/hall/belt/1").defaultDeviceName == nil)
        #expect(try EntityTopicID("factory/hall/belt/1").matchesDefaultScheme == false)
        #expect(EntityTopicID.mainDevice.matchesDefaultScheme)
        #expect(try EntityTopicID("device///").matchesDefaultScheme == false)
        #expect(try EntityTopicID("device/c/service/").matchesDefaultScheme == false)
    }

    @Test func externalIdsAsCumulocityDerivesThem() throws {
        #expect(ExternalID.derived(from: .mainDevice, mainDeviceID: "test-device") == "test-device")
        #expect(ExternalID.derived(from: try EntityTopicID("device/child001//"), mainDeviceID: "m") == "m:device:child001")
        #expect(
            ExternalID.derived(from: try EntityTopicID("device/child001/service/service001"), mainDeviceID: "m")
                == "m:device:child001:service:service001")
        #expect(ExternalID.derived(from: try EntityTopicID("custom///"), mainDeviceID: "m") == "m:custom")
        #expect(throws: ExternalID.InvalidError.self) { try ExternalID.validate("bad+id") }
        #expect(
            ExternalID.InvalidError(externalID: "bad+id", character: "+").description
                == "Invalid external ID: bad+id contains invalid character: +")
    }
}
