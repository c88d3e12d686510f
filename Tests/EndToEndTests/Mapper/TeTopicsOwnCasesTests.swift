import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// What the conformance cases do not cover, through the real mapper on a real broker: auto-registration and its
/// retained messages, pending children, update restrictions, deregistration, health checks, the last will.
@Suite(.serialized) struct TeTopicsOwnCasesTests {
    static func errors(_ messages: [MQTTMessage]) -> [String] { messages.filter { $0.topic == "te/errors" }.compactMap(\.text) }

    @Test func autoRegistrationPublishesThinEdgesRegistrationsOnceAndRetained() async throws {
        let az = try await TeMapperHarness(cloud: "az")
        try await az.startMapper()
        try await az.publish("te/device/child9/service/app/m/flow", #"{"litres": 3}"#)
        let first = try await az.fence()
        #expect(
            first.filter { $0.topic.hasPrefix("te/device/child9") }.map { "\($0.topic) \($0.text ?? "")" } == [
                #"te/device/child9// {"@parent":"device/main//","@type":"child-device","name":"child9"}"#,
                #"te/device/child9/service/app {"@parent":"device/child9//","@type":"service","name":"app"}"#,
            ])
        #expect(first.contains { $0.topic.hasPrefix("az/messages/events/") && $0.text?.contains(#""litres":3"#) == true })
        let retained = try await az.retained("te/device/child9/#")
        #expect(Set(retained.map(\.topic)) == ["te/device/child9//", "te/device/child9/service/app"])
        #expect(retained.allSatisfy { $0.retain })
        // Known now: the next message registers nothing.
        try await az.publish("te/device/child9/service/app/m/flow", #"{"litres": 4}"#)
        let next = try await az.fence()
        #expect(next.allSatisfy { !$0.topic.hasPrefix("te/device/child9") })
        // Custom schemes are not auto-registered, but still mapped.
        try await az.publish("te/factory/hall/belt/1/m/speed", #"{"rpm": 9}"#)
        let custom = try await az.fence()
        #expect(custom.map(\.topic).allSatisfy { $0.hasPrefix("az/") })
        #expect(custom.count == 1)
    }

    @Test func pendingChildrenAreRegisteredWhenTheirParentArrives() async throws {
        let az = try await TeMapperHarness(cloud: "az")
        try await az.startMapper()
        // c2 waits for c1: changing its type is no update yet (it is not registered).
        try await az.publish("te/device/c2//", #"{"@type":"child-device","@parent":"device/c1//"}"#, retain: true)
        try await az.publish("te/device/c3//", #"{"@type":"child-device","@parent":"device/c9//"}"#, retain: true)
        try await az.publish("te/device/c3//", #"{"@type":"service","@parent":"device/c9//"}"#, retain: true)
        #expect(Self.errors(try await az.fence()).isEmpty)
        // c1 arrives: c2 is registered with it, so its type can no longer change.
        try await az.publish("te/device/c1//", #"{"@type":"child-device"}"#, retain: true)
        #expect(Self.errors(try await az.fence()).isEmpty)
        try await az.publish("te/device/c2//", #"{"@type":"service","@parent":"device/c1//"}"#, retain: true)
        #expect(Self.errors(try await az.fence()) == ["Updating the entity type of device/c2// is not supported"])
        // A pending child whose parent turns out to be a service is refused when the parent arrives.
        try await az.publish("te/device/c4//", #"{"@type":"child-device","@parent":"device/main/service/svc"}"#, retain: true)
        try await az.publish("te/device/main/service/svc", #"{"@type":"service"}"#, retain: true)
        #expect(
            Self.errors(try await az.fence()) == [
                "Entity: 'device/main/service/svc' can not be a parent of 'device/c4//' because it is a service. Only devices can be parents"
            ])
    }

    @Test func updatesAreLimitedToParentAndHealth() async throws {
        let az = try await TeMapperHarness(cloud: "az")
        try await az.startMapper()
        try await az.publish("te/device/a//", #"{"@type":"child-device","@id":"a-1","name":"A"}"#, retain: true)
        try await az.publish("te/device/b//", #"{"@type":"child-device"}"#, retain: true)
        try await az.publish("te/device/b/service/s", #"{"@type":"service"}"#, retain: true)
        // @parent and @health may change.
        try await az.publish(
            "te/device/a//", #"{"@type":"child-device","@parent":"device/b//","@health":"device/b/service/s"}"#, retain: true)
        #expect(Self.errors(try await az.fence()).isEmpty)
        let refused: [(String, String)] = [
            (#"{"@type":"child-device","@id":"a-2"}"#, "Updating the external id of device/a// is not supported"),
            (
                #"{"@type":"child-device","name":"B"}"#,
                "Updating the twin data of device/a// with a registration message is not supported"
            ),
            (#"{"@type":"service"}"#, "Updating the entity type of device/a// is not supported"),
            (
                #"{"@type":"child-device","@parent":"device/b/service/s"}"#,
                "Entity: 'device/b/service/s' can not be a parent of 'device/a//' because it is a service. Only devices can be parents"
            ),
        ]
        for (payload, error) in refused {
            try await az.publish("te/device/a//", payload, retain: true)
            #expect(Self.errors(try await az.fence()) == [error], "\(payload)")
        }
        try await az.publish("te/device/b//", #"{"@type":"child-device","@parent":"device/a//"}"#, retain: true)
        #expect(
            Self.errors(try await az.fence()) == [
                "Entity: 'device/a//' can not be a parent of 'device/b//' because 'device/a//' is a descendent of 'device/b//'"
            ])
    }

    @Test func deregistrationRemovesTheSubtree() async throws {
        let az = try await TeMapperHarness(cloud: "az")
        try await az.startMapper()
        try await az.publish("te/device/gw//", #"{"@type":"child-device"}"#, retain: true)
        try await az.publish("te/device/leaf//", #"{"@type":"child-device","@parent":"device/gw//"}"#, retain: true)
        try await az.publish("te/device/leaf///m/t", #"{"t": 1}"#)
        #expect(try await az.fence().allSatisfy { $0.topic != "te/device/leaf//" }, "leaf is known: no auto-registration")
        // The gateway is deregistered (an empty retained registration), and its child with it: the child's next
        // measurement registers it again, as a child of the main device.
        try await az.publish("te/device/gw//", "", retain: true)
        _ = try await az.fence()
        try await az.publish("te/device/leaf///m/t", #"{"t": 2}"#)
        let again = try await az.fence()
        #expect(
            again.filter { $0.topic == "te/device/leaf//" }.map(\.text) == [
                #"{"@parent":"device/main//","@type":"child-device","name":"leaf"}"#
            ])
    }

    @Test(arguments: ["az", "aws", "c8y"]) func healthChecksAndTheRegistration(cloud: String) async throws {
        let harness = try await TeMapperHarness(cloud: cloud)
        try await harness.startMapper()
        let service = "te/device/main/service/tedge-mapper-\(cloud)"
        let registration = try #require(try await harness.retained(service).first)
        #expect(
            registration.text
                == #"{"@parent":"device/main//","@type":"service","name":"tedge-mapper-\#(cloud)","type":"service"}"#)
        for check in ["te/device/main///cmd/health/check", "\(service)/cmd/health/check"] {
            try await harness.publish(check, "")
            let up = try #require(await harness.next(on: "\(service)/status/health"))
            #expect(MapperHealth.isUp(up.payload, pid: harness.pid), "\(check): \(up.text ?? "")")
        }
        // A check for another service is not ours to answer.
        try await harness.publish("te/device/main/service/other/cmd/health/check", "")
        try await harness.publish("te/device/main///m/after", #"{"x": 1}"#)
        #expect(try await harness.fence().allSatisfy { $0.topic != "\(service)/status/health" })
    }

    @Test(arguments: ["az", "aws", "c8y"]) func theLastWillAfterSIGKILL(cloud: String) async throws {
        let harness = try await TeMapperHarness(cloud: cloud)
        try await harness.startMapper()
        let pid = harness.pid
        harness.mapper?.signal(SIGKILL)
        #expect(await harness.mapper?.wait(timeout: .seconds(5)) == .signalled(SIGKILL))
        let down = try #require(await harness.next(on: "te/device/main/service/tedge-mapper-\(cloud)/status/health"))
        #expect(down.text == #"{"pid":\#(pid),"status":"down"}"#)
        let retained = try await harness.retained("te/device/main/service/tedge-mapper-\(cloud)/status/health")
        #expect(retained.map(\.text) == [#"{"pid":\#(pid),"status":"down"}"#])
        let legacy = try await harness.retained("tedge/health/tedge-mapper-\(cloud)")
        #expect(legacy.first?.text?.contains(#""status":"down""#) == true)
    }

    @Test func azureWithoutMessageProperties() async throws {
        let az = try await TeMapperHarness(
            cloud: "az", settings: [("az.mapper.message_properties", "false"), ("az.mapper.timestamp", "false")])
        try await az.startMapper()
        try await az.publish("te/device/main///m/environment", #"{"temperature": 21}"#)
        let out = try await az.fence().filter { $0.topic.hasPrefix("az/") }
        #expect(out.map(\.topic) == ["az/messages/events/"])
        #expect(out.first?.text == #"{"temperature": 21}"#)
    }

    @Test func aCustomTopicRoot() async throws {
        let az = try await TeMapperHarness(
            cloud: "az", settings: [("mqtt.topic_root", "thin-edge"), ("az.topics", "thin-edge/+/+/+/+/m/+")])
        try await az.startMapper()
        try await az.publish("thin-edge/device/main///m/env", #"{"t": 1}"#)
        try await az.publish("thin-edge/device/x//", #"{"@type":"gateway"}"#, retain: true)
        let out = try await az.fence()
        #expect(out.contains { $0.topic.hasPrefix("az/messages/events/") && $0.text?.contains(#""t":1"#) == true })
        #expect(
            out.filter { $0.topic == "thin-edge/errors" }.map(\.text) == [
                "unknown variant `gateway`, expected one of `device`, `child-device`, `service`"
            ])
        #expect(try await az.retained("thin-edge/device/main/service/tedge-mapper-az").count == 1)
    }

    /// Cumulocity's mapper creates what the store registers, in the order it registers it: a pending child and its
    /// kept data once the parent arrives, an auto-registered device and service before their data, a removed
    /// subtree's child created again (under the main device) by its next data.
    @Test func cumulocityCreatesEntitiesInTheStoresOrder() async throws {
        let c8y = try await TeMapperHarness(cloud: "c8y")
        try await c8y.startMapper()
        func lines(_ messages: [MQTTMessage]) -> [String] {
            messages.filter { $0.topic.hasPrefix("c8y/") }.map { "\($0.topic) \($0.text ?? "")" }
        }
        try await c8y.publish("te/device/c2//", #"{"@type":"child-device","@parent":"device/c1//"}"#, retain: true)
        try await c8y.publish("te/device/c2///m/env", #"{"t": 1, "time": "2024-01-01T00:00:00Z"}"#)
        #expect(try await c8y.fence().isEmpty)
        try await c8y.publish("te/device/c1//", #"{"@type":"child-device","name":"Gateway"}"#, retain: true)
        let registered = lines(try await c8y.fence())
        #expect(
            registered == [
                "c8y/s/us 101,test-device:device:c1,Gateway,thin-edge.io-child,false",
                "c8y/s/us/test-device:device:c1 101,test-device:device:c2,test-device:device:c2,thin-edge.io-child,false",
                #"c8y/measurement/measurements/create {"externalSource":{"externalId":"test-device:device:c2","type":"c8y_Serial"},"t":{"t":{"value":1.0}},"time":"2024-01-01T00:00:00Z","type":"env"}"#,
            ])

        try await c8y.publish("te/device/c3/service/app/e/started", #"{"text": "up", "time": "2024-01-01T00:00:00Z"}"#)
        let auto = try await c8y.fence()
        #expect(
            auto.map(\.topic) == [
                "te/device/c3//", "te/device/c3/service/app", "c8y/s/us", "c8y/s/us/test-device:device:c3",
                "c8y/event/events/create",
            ])
        #expect(
            lines(auto).prefix(2) == [
                "c8y/s/us 101,test-device:device:c3,c3,thin-edge.io-child,false",
                "c8y/s/us/test-device:device:c3 102,test-device:device:c3:service:app,service,app,up",
            ])

        // Removing c1 removes c2 with it: c2's next data registers it afresh, under the main device.
        try await c8y.publish("te/device/c1//", "", retain: true)
        #expect(try await c8y.fence().isEmpty)
        try await c8y.publish("te/device/c2///m/env", #"{"t": 2}"#)
        let afterRemoval = lines(try await c8y.fence())
        #expect(afterRemoval.first == "c8y/s/us 101,test-device:device:c2,c2,thin-edge.io-child,false")
        #expect(afterRemoval.dropFirst().map { $0.hasPrefix("c8y/measurement/measurements/create ") } == [true])
    }
}
