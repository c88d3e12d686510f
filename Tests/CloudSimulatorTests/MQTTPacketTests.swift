import Testing

@testable import TedgeCloudSimulator

struct MQTTPacketTests {
    static func string(_ text: String) -> [UInt8] {
        [UInt8(text.utf8.count >> 8), UInt8(text.utf8.count & 0xFF)] + Array(text.utf8)
    }

    static func connect(clientID: String, username: String?) -> [UInt8] {
        var body = string("MQTT") + [4, username == nil ? 0x02 : 0x82, 0, 60] + string(clientID)
        if let username { body += string(username) }
        return MQTTPacket(kind: .connect, flags: 0, body: body).encoded
    }

    @Test func connectIsFramedAndDecoded() throws {
        let bytes = Self.connect(clientID: "dev-1", username: "hub/dev-1/?api-version=1")
        guard case .complete(let packet, let end) = MQTTPacket.parse(bytes + [0xC0, 0]) else {
            Issue.record("not parsed"); return
        }
        #expect(end == bytes.count)
        #expect(try packet.connect().get() == MQTTConnectPacket(clientID: "dev-1", username: "hub/dev-1/?api-version=1"))
        for cut in 0..<bytes.count { #expect(MQTTPacket.parse(Array(bytes.prefix(cut))) == .needMoreBytes) }
    }

    @Test func lengthsThatLieAreInvalidNotTraps() {
        #expect(MQTTPacket.parse([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) == .invalid("malformed remaining length"))
        #expect(MQTTPacket.parse([0x30, 0xFF, 0xFF, 0xFF, 0x7F]) == .invalid("packet of 268435455 bytes is too large"))
        #expect(MQTTPacket.parse([0x00, 0x00]) == .invalid("reserved packet type 0"))
        // A topic length beyond the packet.
        let publish = MQTTPacket(kind: .publish, flags: 0, body: [0xFF, 0xFF, 0x61])
        #expect(publish.publishTopic() == .failure(MQTTPacket.Invalid("malformed PUBLISH topic")))
        let subscribe = MQTTPacket(kind: .subscribe, flags: 2, body: [0, 1] + Self.string("a/b"))
        #expect(subscribe.filters() == .failure(MQTTPacket.Invalid("SUBSCRIBE filter without QoS")))
    }

    @Test func randomBytesNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if case .complete(let packet, let end) = MQTTPacket.parse(bytes) {
                #expect(end <= bytes.count)
                _ = packet.connect()
                _ = packet.publishTopic()
                _ = packet.filters()
                _ = packet.withPublishTopic("x").encoded
                _ = packet.withFilters { $0 + "/y" }.encoded
            }
        }
    }

    @Test func publishAndSubscribeTopicsAreRewrittenWithLengthsToMatch() throws {
        let publish = MQTTPacket(
            kind: .publish, flags: 0x02, body: Self.string("$iothub/twin/GET/?$rid=1") + [0, 7] + Array("{}".utf8))
        let moved = publish.withPublishTopic("devices/d/$iothub/twin/GET/?$rid=1")
        guard case .complete(let reparsed, _) = MQTTPacket.parse(moved.encoded) else { Issue.record("not reparsed"); return }
        #expect(try reparsed.publishTopic().get() == "devices/d/$iothub/twin/GET/?$rid=1")
        #expect(Array(reparsed.body.suffix(4)) == [0, 7] + Array("{}".utf8))

        let subscribe = MQTTPacket(
            kind: .subscribe, flags: 2, body: [0, 9] + Self.string("a") + [1] + Self.string("$iothub/x") + [0])
        #expect(try subscribe.filters().get() == ["a", "$iothub/x"])
        let rewritten = subscribe.withFilters { $0.hasPrefix("$") ? "devices/d/" + $0 : $0 }
        #expect(rewritten.body == [0, 9] + Self.string("a") + [1] + Self.string("devices/d/$iothub/x") + [0])
        let unsubscribe = MQTTPacket(kind: .unsubscribe, flags: 2, body: [0, 3] + Self.string("a/#"))
        #expect(try unsubscribe.filters().get() == ["a/#"])
    }

    @Test func aLargeBodyGetsAFourByteLength() {
        let packet = MQTTPacket(kind: .publish, flags: 0, body: Self.string("t") + [UInt8](repeating: 1, count: 2_100_000))
        let bytes = packet.encoded
        #expect(bytes[1] & 0x80 != 0 && bytes[3] & 0x80 != 0 && bytes[4] & 0x80 == 0)
        #expect(MQTTPacket.parse(bytes) == .complete(packet, end: bytes.count))
    }

    @Test func publishPayloadAndPacketIdentifier() {
        // PUBLISH QoS 1, topic "a/b", packet id 0x0102, payload "hi".
        let packet = MQTTPacket(kind: .publish, flags: 0x02, body: [0, 3, 0x61, 0x2F, 0x62, 1, 2, 0x68, 0x69])
        #expect(packet.packetIdentifier() == 0x0102)
        #expect(packet.publishPayload() == .success([0x68, 0x69]))
        let answer = MQTTPacket.publish(topic: "a/b", payload: [0x68, 0x69])
        #expect(answer.packetIdentifier() == nil)
        #expect(answer.publishPayload() == .success([0x68, 0x69]))
        #expect(MQTTPacket.acknowledgement(.suback, of: 7, grants: [1]).encoded == [0x90, 3, 0, 7, 1])
    }
}
