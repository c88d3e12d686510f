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
