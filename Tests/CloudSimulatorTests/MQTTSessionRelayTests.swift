import TedgeMQTTCodec
import TedgeMessaging
import TedgeSystem
import Testing

@testable import TedgeCloudSimulator

struct MQTTSessionRelayTests {
    static func publish(_ topic: String, packetID: UInt16? = nil, payload: String = "x") -> [UInt8] {
        let qos: MQTTQoS = packetID == nil ? .atMostOnce : .atLeastOnce
        return try! MQTTPacket.publish(MQTTMessage(topic: topic, text: payload, qos: qos), packetID: packetID, isDuplicate: false)
            .encoded()
    }

    static func azureRelay() -> MQTTSessionRelay {
        MQTTSessionRelay(deviceID: "d", policy: AzureTopicPolicy(deviceID: "d"), log: Console { _ in })
    }

    @Test func anAzureDevicesIoTHubTopicsMoveToItsNamespaceEvenAcrossReads() {
        var relay = Self.azureRelay()
        let bytes = Self.publish("$iothub/twin/GET/?$rid=1") + Self.publish("devices/d/messages/events/")
        let first = relay.fromDevice(Array(bytes.prefix(5)))
        let rest = relay.fromDevice(Array(bytes.dropFirst(5)))
        #expect(first == [])
        #expect(rest == Self.publish("devices/d/$iothub/twin/GET/?$rid=1") + Self.publish("devices/d/messages/events/"))
        #expect(
            relay.fromBackend(Self.publish("devices/d/$iothub/twin/res/200/?$rid=1"))
                == Self.publish("$iothub/twin/res/200/?$rid=1"))
    }

    /// The packet id and payload stay; the remaining length follows the longer topic.
    @Test func aMovedPublishKeepsItsPacketIDAndPayload() {
        var relay = Self.azureRelay()
        #expect(
            relay.fromDevice(Self.publish("$iothub/twin/GET/?$rid=1", packetID: 7, payload: "{}"))
                == Self.publish("devices/d/$iothub/twin/GET/?$rid=1", packetID: 7, payload: "{}"))
    }

    @Test func anAzureDevicesFiltersMoveToItsNamespace() throws {
        var relay = Self.azureRelay()
        let subscribe = try MQTTPacket.subscribe(
            packetID: 9,
            subscriptions: [
                MQTTSubscription(filter: "devices/d/messages/devicebound/#", qos: .atLeastOnce),
                MQTTSubscription(filter: "$iothub/methods/POST/#", qos: .atMostOnce),
            ]
        ).encoded()
        let moved = try MQTTPacket.subscribe(
            packetID: 9,
            subscriptions: [
                MQTTSubscription(filter: "devices/d/messages/devicebound/#", qos: .atLeastOnce),
                MQTTSubscription(filter: "devices/d/$iothub/methods/POST/#", qos: .atMostOnce),
            ]
        ).encoded()
        #expect(relay.fromDevice(subscribe) == moved)
        let unsubscribe = try MQTTUnsubscribe(packetID: 10, filters: ["$iothub/methods/POST/#"]).encoded()
        #expect(
            relay.fromDevice(unsubscribe)
                == (try MQTTUnsubscribe(packetID: 10, filters: ["devices/d/$iothub/methods/POST/#"]).encoded()))
    }

    @Test func anotherDevicesTopicClosesAnAzureSessionButNotAnotherClouds() throws {
        var azure = Self.azureRelay()
        #expect(azure.fromDevice(Self.publish("devices/e/messages/events/")) == nil)
        var azureSubscriber = Self.azureRelay()
        #expect(azureSubscriber.fromDevice(try MQTTUnsubscribe(packetID: 1, filters: ["#"]).encoded()) == nil)
        var aws = MQTTSessionRelay(deviceID: "d", policy: nil, log: Console { _ in })
        #expect(aws.fromDevice(Self.publish("devices/e/messages/events/")) == Self.publish("devices/e/messages/events/"))
        #expect(aws.fromDevice([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) == nil)
    }

    /// The QoS 2 flow and UNSUBSCRIBE, which the mapper's session never speaks, pass byte for byte both ways.
    @Test func whatTheMappersSessionDoesNotSpeakIsRelayedByteForByte() throws {
        let qos2 = try MQTTPacket.publish(
            MQTTMessage(topic: "devices/d/messages/events/", text: "2", qos: .exactlyOnce), packetID: 3, isDuplicate: true
        ).encoded()
        let pubrec: [UInt8] = [0x50, 0x02, 0x00, 0x03]
        let pubrel: [UInt8] = [0x62, 0x02, 0x00, 0x03]
        let pubcomp: [UInt8] = [0x70, 0x02, 0x00, 0x03]
        let unsubscribe = try MQTTUnsubscribe(packetID: 4, filters: ["devices/d/messages/devicebound/#"]).encoded()
        let unsuback: [UInt8] = [0xB0, 0x02, 0x00, 0x04]
        for policy in [AzureTopicPolicy(deviceID: "d"), nil] {
            var relay = MQTTSessionRelay(deviceID: "d", policy: policy, log: Console { _ in })
            let fromDevice = qos2 + pubrel + unsubscribe
            #expect(relay.fromDevice(fromDevice) == fromDevice)
            let fromBackend = pubrec + pubcomp + unsuback + qos2
            #expect(relay.fromBackend(fromBackend) == fromBackend)
        }
    }

    @Test func aSecondConnectOrAMalformedPacketClosesTheSession() throws {
        var relay = MQTTSessionRelay(deviceID: "d", policy: nil, log: Console { _ in })
        #expect(
            relay.fromDevice(
                try MQTTPacket.connect(MQTTConnect(clientID: "d", cleanSession: true, keepAliveSeconds: 1)).encoded()) == nil)
        var subscriber = MQTTSessionRelay(deviceID: "d", policy: nil, log: Console { _ in })
        let valid: [UInt8] = [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x01]
        #expect(subscriber.fromDevice(valid) == valid)
        // SUBSCRIBE asking for QoS 3.
        #expect(subscriber.fromDevice([0x82, 0x06, 0x00, 0x02, 0x00, 0x01, 0x61, 0x03]) == nil)
    }
}
