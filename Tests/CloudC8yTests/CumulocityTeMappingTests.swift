import TedgeCloudC8y
import TedgeProviderAPI
import Testing

/// What the vectors do not cover: pending children, deregistration, units, auto-registration's exact messages,
/// health of services first seen through it, twin data, JSON events and alarms of children and services.
@Suite struct CumulocityTeMappingTests {
    /// 2020-09-13T12:26:40Z.
    static let now = UnixTime(seconds: 1_600_000_000)!

    static func mapping(marker: Bool = false, deviceID: String? = "test-device") -> CumulocityTeMapping {
        CumulocityTeMapping(
            store: EntityStore(mainDeviceExternalID: deviceID), createWithDeviceMarker: marker, serviceType: "systemd",
            clock: { now })
    }

    static func message(_ topic: String, _ text: String, retain: Bool = false) -> MQTTMessage {
        MQTTMessage(topic: topic, text: text, qos: .atLeastOnce, retain: retain)
    }

    static func cloud(_ topic: String, _ text: String) -> MQTTMessage { MQTTMessage(topic: topic, text: text, qos: .atLeastOnce) }

    static func registration(_ topic: String, _ text: String) -> MQTTMessage {
        MQTTMessage(topic: topic, text: text, qos: .atLeastOnce, retain: true)
    }

    @Test func pendingChildThenParentGivesTheCreationsInOrderThenTheKeptData() throws {
        var mapping = Self.mapping()
        #expect(
            mapping.convert(Self.message("te/device/child2//", #"{"@type":"child-device","@parent":"device/child1//"}"#)) == [])
        #expect(
            mapping.convert(Self.message("te/device/child3//", #"{"@type":"child-device","@parent":"device/child2//"}"#)) == [])
        // Data of a pending child waits too: it must not auto-register the child under the main device.
        #expect(mapping.convert(Self.message("te/device/child2///m/env", #"{"t":1}"#)) == [])
        #expect(mapping.store.isPending(try EntityTopicID.childDevice("child2")))
        #expect(
            mapping.convert(Self.message("te/device/child1//", #"{"@type":"child-device","name":"One"}"#)) == [
                Self.cloud("c8y/s/us", "101,test-device:device:child1,One,thin-edge.io-child,false"),
                Self.cloud(
                    "c8y/s/us/test-device:device:child1",
                    "101,test-device:device:child2,test-device:device:child2,thin-edge.io-child,false"),
                Self.cloud(
                    "c8y/measurement/measurements/create",
                    #"{"externalSource":{"externalId":"test-device:device:child2","type":"c8y_Serial"},"t":{"t":{"value":1.0}},"time":"2020-09-13T12:26:40Z","type":"env"}"#
                ),
                Self.cloud(
                    "c8y/s/us/test-device:device:child2",
                    "101,test-device:device:child3,test-device:device:child3,thin-edge.io-child,false"),
            ])
    }

    @Test func deregistrationRemovesTheSubtreeAndItsUnits() throws {
        var mapping = Self.mapping()
        _ = mapping.convert(Self.message("te/factory/belt1//", #"{"@type":"child-device"}"#))
        _ = mapping.convert(Self.message("te/factory/belt2//", #"{"@type":"child-device","@parent":"factory/belt1//"}"#))
        _ = mapping.convert(Self.message("te/factory/belt1///m/speed/meta", #"{"rpm":{"unit":"1/min"}}"#))
        #expect(mapping.store.count == 3)
        // Nothing goes to the cloud: the managed objects stay.
        #expect(mapping.convert(Self.message("te/factory/belt1//", "", retain: true)) == [])
        #expect(mapping.store.count == 1)
        // A custom id is not auto-registered: its data waits for the registration, which now creates it again.
        #expect(mapping.convert(Self.message("te/factory/belt1///m/speed", #"{"rpm":3}"#)) == [])
        let again = mapping.convert(Self.message("te/factory/belt1//", #"{"@type":"child-device"}"#))
        #expect(
            again == [
                Self.cloud("c8y/s/us", "101,test-device:factory:belt1,test-device:factory:belt1,thin-edge.io-child,false"),
                Self.cloud(
                    "c8y/measurement/measurements/create",
                    #"{"externalSource":{"externalId":"test-device:factory:belt1","type":"c8y_Serial"},"rpm":{"rpm":{"value":3.0}},"time":"2020-09-13T12:26:40Z","type":"speed"}"#
                ),
            ])
    }

    @Test func autoRegistrationOfAChildsServicePublishesTheRegistrationsThenCreatesThemBeforeTheData() {
        var mapping = Self.mapping()
        #expect(
            mapping.convert(Self.message("te/device/child1/service/app1/m/", #"{"t":1,"time":1600000000.5}"#)) == [
                Self.registration("te/device/child1//", #"{"@parent":"device/main//","@type":"child-device","name":"child1"}"#),
                Self.registration(
                    "te/device/child1/service/app1", #"{"@parent":"device/child1//","@type":"service","name":"app1"}"#),
                Self.cloud("c8y/s/us", "101,test-device:device:child1,child1,thin-edge.io-child,false"),
                Self.cloud("c8y/s/us/test-device:device:child1", "102,test-device:device:child1:service:app1,systemd,app1,up"),
                Self.cloud(
                    "c8y/measurement/measurements/create",
                    #"{"externalSource":{"externalId":"test-device:device:child1:service:app1","type":"c8y_Serial"},"t":{"t":{"value":1.0}},"time":"2020-09-13T12:26:40.5Z","type":"ThinEdgeMeasurement"}"#
                ),
            ])
        // The retained registrations come back: nothing new.
        #expect(
            mapping.convert(
                Self.registration("te/device/child1//", #"{"@parent":"device/main//","@type":"child-device","name":"child1"}"#))
                == [])
    }

    @Test func unitsFromTheRetainedMetadata() {
        var mapping = Self.mapping()
        let meta = #"{"temperature":{"unit":"°C","precision":"±0.1°C"},"Climate.Humidity":{"unit":"%RH"},"x":{"min":0}}"#
        #expect(mapping.convert(Self.message("te/device/main///m/env/meta", meta, retain: true)) == [])
        let input = Self.message(
            "te/device/main///m/env", #"{"temperature":21.5,"Climate":{"Humidity":40,"Pressure":1000},"x":1}"#)
        #expect(
            mapping.convert(input) == [
                Self.cloud(
                    "c8y/measurement/measurements/create",
                    #"{"temperature":{"temperature":{"value":21.5,"unit":"°C"}},"Climate":{"Humidity":{"value":40.0,"unit":"%RH"},"Pressure":{"value":1000.0}},"x":{"x":{"value":1.0}},"time":"2020-09-13T12:26:40Z","type":"env"}"#
                )
            ])
        // Other types have no units; an empty retained message clears them.
        #expect(
            mapping.convert(Self.message("te/device/main///m/other", #"{"temperature":1}"#)).first?.text?.contains("unit")
                == false)
        _ = mapping.convert(Self.message("te/device/main///m/env/meta", "", retain: true))
        #expect(mapping.convert(input).first?.text?.contains("unit") == false)
    }

    @Test func measurementStringsPropertiesAndTime() {
        var mapping = Self.mapping()
        let input =
            #"{"type":"custom","status":"ok","properties":{"batch":"B1","n":[1,2]},"t":-0.5,"time":"2024-01-02T03:04:05.120+00:00"}"#
        #expect(
            mapping.convert(Self.message("te/device/main///m/env", input)) == [
                Self.cloud(
                    "c8y/measurement/measurements/create",
                    #"{"type":"custom","batch":"B1","n":[1,2],"t":{"t":{"value":-0.5}},"time":"2024-01-02T03:04:05.12Z"}"#)
            ])
    }

    @Test func unknownSeverityIsMinorAndTypesHaveDefaults() {
        var mapping = Self.mapping()
        #expect(
            mapping.convert(Self.message("te/device/main///a/overheat", #"{"severity":"catastrophic","text":"Hot, hot"}"#)) == [
                Self.cloud("c8y/s/us", #"303,overheat,"Hot, hot",2020-09-13T12:26:40Z"#)
            ])
        #expect(
            mapping.convert(Self.message("te/device/main///a/", "{}")) == [
                Self.cloud("c8y/s/us", "303,ThinEdgeAlarm,ThinEdgeAlarm,2020-09-13T12:26:40Z")
            ])
        #expect(
            mapping.convert(Self.message("te/device/main///a/", "", retain: true)) == [
                Self.cloud("c8y/s/us", "306,ThinEdgeAlarm")
            ])
        #expect(
            mapping.convert(
                Self.message("te/device/main///a/topic_type", #"{"type":"payload_type","severity":"critical","time":0}"#)) == [
                    Self.cloud("c8y/s/us", "301,payload_type,payload_type,1970-01-01T00:00:00Z")
                ])
    }

    @Test func alarmsAndEventsOfServicesAndChildren() {
        var mapping = Self.mapping()
        _ = mapping.convert(Self.message("te/device/main/service/db", #"{"@type":"service"}"#))
        #expect(
            mapping.convert(
                Self.message("te/device/main/service/db/a/disk", #"{"severity":"warning","text":"Full","extra":{"pct":99}}"#))
                == [
                    Self.cloud(
                        "c8y/alarm/alarms/create",
                        #"{"type":"disk","externalSource":{"externalId":"test-device:device:main:service:db","type":"c8y_Serial"},"severity":"WARNING","text":"Full","time":"2020-09-13T12:26:40Z","extra":{"pct":99}}"#
                    )
                ])
        #expect(
            mapping.convert(Self.message("te/device/main/service/db/a/disk", #"{"severity":"major"}"#)) == [
                Self.cloud("c8y/s/us/test-device:device:main:service:db", "302,disk,disk,2020-09-13T12:26:40Z")
            ])
        #expect(
            mapping.convert(Self.message("te/device/main/service/db/e/restart", "")) == [
                Self.cloud(
                    "c8y/event/events/create",
                    #"{"type":"restart","time":"2020-09-13T12:26:40Z","text":"restart","externalSource":{"externalId":"test-device:device:main:service:db","type":"c8y_Serial"}}"#
                )
            ])
        #expect(
            mapping.convert(Self.message("te/device/main///e/login", #"{"text":"He said \"hi\"","time":1700000000}"#)) == [
                Self.cloud("c8y/s/us", #"400,login,"He said ""hi""",2023-11-14T22:13:20Z"#)
            ])
    }

    @Test func healthOfAServiceFirstSeenThroughItCreatesItWithItsStatus() {
        var mapping = Self.mapping()
        #expect(
            mapping.convert(Self.message("te/device/main/service/tedge-agent/status/health", #"{"status":"down"}"#, retain: true))
                == [
                    Self.registration(
                        "te/device/main/service/tedge-agent",
                        #"{"@parent":"device/main//","@type":"service","name":"tedge-agent"}"#),
                    Self.cloud("c8y/s/us", "102,test-device:device:main:service:tedge-agent,systemd,tedge-agent,down"),
                ])
        // A registered service gets 102 up, then its health; devices have no health in Cumulocity.
        _ = mapping.convert(Self.message("te/device/c1//", #"{"@type":"child-device"}"#))
        #expect(mapping.convert(Self.message("te/device/c1///status/health", #"{"status":"up"}"#)) == [])
        #expect(
            mapping.convert(Self.message("te/device/c1/service/mosquitto-c8y-bridge/status/health", "1")) == [
                Self.registration(
                    "te/device/c1/service/mosquitto-c8y-bridge",
                    #"{"@parent":"device/c1//","@type":"service","name":"mosquitto-c8y-bridge"}"#),
                Self.cloud(
                    "c8y/s/us/test-device:device:c1",
                    "102,test-device:device:c1:service:mosquitto-c8y-bridge,systemd,mosquitto-c8y-bridge,up"),
                Self.cloud("c8y/s/us", "500"),
            ])
    }

    @Test func twinFragmentsAndRegistrationTwinData() {
        var mapping = Self.mapping()
        #expect(
            mapping.convert(Self.message("te/device/plc//", #"{"@type":"child-device","@id":"PLC-7","type":"S7","os":{"v":2}}"#))
                == [
                    Self.cloud("c8y/s/us", "101,PLC-7,PLC-7,S7,false"),
                    Self.cloud("c8y/inventory/managedObjects/update/PLC-7", #"{"os":{"v":2}}"#),
                ])
        #expect(
            mapping.convert(Self.message("te/device/plc///twin/firmware", #"{"name":"fw","version":"1"}"#)) == [
                Self.cloud("c8y/inventory/managedObjects/update/PLC-7", #"{"c8y_Firmware":{"name":"fw","version":"1"}}"#)
            ])
        // The same value again changes nothing; an empty payload removes the fragment.
        #expect(mapping.convert(Self.message("te/device/plc///twin/os", #"{"v":2}"#)) == [])
        #expect(
            mapping.convert(Self.message("te/device/plc///twin/os", "", retain: true)) == [
                Self.cloud("c8y/inventory/managedObjects/update/PLC-7", #"{"os":null}"#)
            ])
        _ = mapping.convert(Self.message("te/device/main/service/db", #"{"@type":"service"}"#))
        #expect(
            mapping.convert(Self.message("te/device/main/service/db/twin/type", #""postgres""#)) == [
                Self.cloud(
                    "c8y/inventory/managedObjects/update/test-device:device:main:service:db", #"{"serviceType":"postgres"}"#)
            ])
    }

    @Test func childDeviceMarkerAndMainDeviceRegistration() {
        var mapping = Self.mapping(marker: true)
        #expect(mapping.convert(Self.message("te/device/main//", #"{"@type":"device","name":"renamed"}"#)) == [])
        #expect(
            mapping.convert(Self.message("te/device/c1//", #"{"@type":"child-device","name":"A, B"}"#)) == [
                Self.cloud("c8y/s/us", #"101,test-device:device:c1,"A, B",thin-edge.io-child,true"#)
            ])
    }

    @Test func withoutADeviceIDEveryInputIsAnError() {
        var mapping = Self.mapping(deviceID: nil)
        let outputs = mapping.convert(Self.message("te/device/main///m/env", #"{"t":1}"#))
        #expect(outputs.map(\.topic) == ["te/errors"])
        #expect(outputs.first?.text?.contains("c8y.device.id") == true)
        #expect(mapping.convert(Self.message("te/errors", "some report")) == [])
    }

    @Test func legacyTopicsKeepTheirMapping() throws {
        let te = Self.mapping()
        var converter = CumulocityConverter(
            supportedOperations: [], clock: { try! Timestamp(rfc3339: "2021-04-08T00:00:00+05:00") }, te: te)
        #expect(
            try converter.convert(Self.message("tedge/measurements/child1", #"{"t":1}"#)).get() == [
                Self.cloud("c8y/s/us", "101,child1,child1,thin-edge.io-child"),
                Self.cloud(
                    "c8y/measurement/measurements/create",
                    #"{"type":"ThinEdgeMeasurement","externalSource":{"externalId":"child1","type":"c8y_Serial"},"t":{"t":{"value":1.0}},"time":"2021-04-08T00:00:00+05:00"}"#
                ),
            ])
        #expect(
            try converter.convert(Self.message("te/device/main///e/x", #"{"text":"y","time":0}"#)).get() == [
                Self.cloud("c8y/s/us", #"400,x,"y",1970-01-01T00:00:00Z"#)
            ])
        #expect(converter.te?.store.count == 1)
    }
}
