import TedgeSystem
import Testing

@testable import TedgeCloudSimulator

struct MQTTSessionRelayTests {
    static func publish(_ topic: String) -> [UInt8] {
        MQTTPacket(kind: .publish, flags: 0, body: MQTTPacketTests.string(topic) + Array("x".utf8)).encoded
    }

    @Test func anAzureDevicesIoTHubTopicsMoveToItsNamespaceEvenAcrossReads() {
        var relay = MQTTSessionRelay(deviceID: "d", policy: AzureTopicPolicy(deviceID: "d"), log: Console { _ in })
        let bytes = Self.publish("$iothub/twin/GET/?$rid=1") + Self.publish("devices/d/messages/events/")
        let first = relay.fromDevice(Array(bytes.prefix(5)))
        let rest = relay.fromDevice(Array(bytes.dropFirst(5)))
        #expect(first == [])
        #expect(rest == Self.publish("devices/d/$iothub/twin/GET/?$rid=1") + Self.publish("devices/d/messages/events/"))
        #expect(
            relay.fromBackend(Self.publish("devices/d/$iothub/twin/res/200/?$rid=1"))
                == Self.publish("$iothub/twin/res/200/?$rid=1"))
    }

    @Test func anotherDevicesTopicClosesAnAzureSessionButNotAnotherClouds() {
        var azure = MQTTSessionRelay(deviceID: "d", policy: AzureTopicPolicy(deviceID: "d"), log: Console { _ in })
        #expect(azure.fromDevice(Self.publish("devices/e/messages/events/")) == nil)
        var aws = MQTTSessionRelay(deviceID: "d", policy: nil, log: Console { _ in })
        #expect(aws.fromDevice(Self.publish("devices/e/messages/events/")) == Self.publish("devices/e/messages/events/"))
        #expect(aws.fromDevice([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) == nil)
    }
}
