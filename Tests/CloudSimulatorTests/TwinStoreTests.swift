import Foundation
import TedgeProviderAPI
import Testing

@testable import TedgeCloudSimulator

struct TwinStoreTests {
    @Test func patchesMergeAndCountVersionsPerSection() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("twin-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let twins = TwinStore(simulator: SimulatorDirectory(path: root))
        #expect(JSONText.serialize(try twins.document(of: "d")) == #"{"desired":{"$version":1},"reported":{"$version":1}}"#)
        #expect(
            try twins.patchReported(of: "d", with: .object([("a", .integer(1)), ("b", .object([("c", .boolean(true))]))])) == 2)
        #expect(
            try twins.patchReported(
                of: "d",
                with: .object([("a", .null), ("b", .object([("e", .null), ("f", .string("g"))])), ("$version", .integer(99))]))
                == 3)
        #expect(try twins.patchDesired(of: "d", with: .object([("fan", .string("on"))])) == 2)
        #expect(
            JSONText.serialize(try twins.document(of: "d"))
                == #"{"desired":{"$version":2,"fan":"on"},"reported":{"$version":3,"b":{"c":true,"f":"g"}}}"#)
        #expect(throws: (any Error).self) { try twins.patchReported(of: "d", with: .array([])) }
        #expect(JSONText.serialize(try twins.document(of: "other")) == #"{"desired":{"$version":1},"reported":{"$version":1}}"#)
    }

    @Test func twinRequestsAreReadFromBackendTopics() {
        let get = TwinRequest(topic: "devices/d/$iothub/twin/GET/?$rid=42")
        #expect(get?.deviceID == "d" && get?.operation == .get && get?.requestID == "42")
        #expect(TwinRequest(topic: "devices/d/$iothub/twin/PATCH/properties/reported/?$rid=7")?.operation == .patchReported)
        #expect(TwinRequest(topic: "devices/d/$iothub/twin/PATCH/properties/desired/?$rid=7") == nil)
        #expect(TwinRequest(topic: "$iothub/twin/GET/?$rid=1") == nil)
    }
}

struct ShadowStoreTests {
    @Test func namedShadowsAreReadAndUpdatedAsAWSAnswers() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("shadow-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let shadows = ShadowStore(simulator: SimulatorDirectory(path: root))
        let get = try #require(ShadowRequest(topic: "$aws/things/d/shadow/name/tedge/get"))
        #expect(
            get.answers(payload: Array(#"{"clientToken":"1"}"#.utf8), shadows: shadows, timestamp: 100).map {
                "\($0.topic) \($0.payload)"
            }
                == [
                    #"$aws/things/d/shadow/name/tedge/get/rejected {"code":404,"message":"No shadow exists with name: 'tedge'","clientToken":"1"}"#
                ])
        let update = try #require(ShadowRequest(topic: "$aws/things/d/shadow/name/tedge/update"))
        #expect(
            update.answers(
                payload: Array(#"{"state":{"reported":{"fw":"1.2"}},"clientToken":"2"}"#.utf8), shadows: shadows, timestamp: 101
            ).map { "\($0.topic) \($0.payload)" } == [
                #"$aws/things/d/shadow/name/tedge/update/accepted {"state":{"reported":{"fw":"1.2"}},"version":1,"timestamp":101,"clientToken":"2"}"#,
                #"$aws/things/d/shadow/name/tedge/update/documents {"previous":{"state":{"desired":{},"reported":{}},"version":0},"current":{"state":{"desired":{},"reported":{"fw":"1.2"}},"version":1},"timestamp":101,"clientToken":"2"}"#,
            ])
        #expect(
            get.answers(payload: [], shadows: shadows, timestamp: 102).map { "\($0.topic) \($0.payload)" }
                == [
                    #"$aws/things/d/shadow/name/tedge/get/accepted {"state":{"desired":{},"reported":{"fw":"1.2"}},"version":1,"timestamp":102}"#
                ])
        #expect(
            update.answers(payload: Array("nope".utf8), shadows: shadows, timestamp: 103).first?.topic.hasSuffix(
                "update/rejected") == true)
        #expect(ShadowRequest(topic: "$aws/things/d/shadow/name/tedge/update/accepted") == nil)
        #expect(ShadowRequest(topic: "$aws/things/d/shadow/get") == nil)
    }
}
