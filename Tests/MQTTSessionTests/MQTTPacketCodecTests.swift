import TedgeMQTTSession
import TedgeMessaging
import Testing

@Suite struct MQTTPacketCodecTests {
    static let packets: [MQTTPacket] = [
        .connect(MQTTConnect(clientID: "tedge-mapper-c8y", cleanSession: false, keepAliveSeconds: 60)),
        .connect(
            MQTTConnect(
                clientID: "", cleanSession: true, keepAliveSeconds: 0,
                will: MQTTMessage(
                    topic: "te/device/main/service/tedge-mapper-c8y/status/health",
                    text: "{\"status\":\"down\"}", qos: .atLeastOnce, retain: true),
                username: "user", password: [0, 1, 255])),
        .connack(sessionPresent: true, returnCode: 0),
        .connack(sessionPresent: false, returnCode: 5),
        .publish(
            MQTTMessage(
                topic: "te/device/main///m/", text: "{\"temperature\":21.5}", qos: .atLeastOnce,
                retain: true), packetID: 65535, isDuplicate: true),
        .publish(MQTTMessage(topic: "c8y/s/us", payload: [0, 0xFF, 0x80]), packetID: nil, isDuplicate: false),
        .publish(
            MQTTMessage(topic: "température/é", payload: [], qos: .exactlyOnce), packetID: 7,
            isDuplicate: false),
        .puback(packetID: 1),
        .subscribe(
            packetID: 2,
            subscriptions: [
                MQTTSubscription(filter: "te/+/+/+/+/m/+", qos: .atLeastOnce),
                MQTTSubscription(filter: "#", qos: .atMostOnce),
            ]),
        .suback(packetID: 2, returnCodes: [1, 0x80, 0, 2]),
        .pingreq,
        .pingresp,
        .disconnect,
    ]

    @Test(arguments: packets)
    func roundTrip(packet: MQTTPacket) throws {
        var decoder = MQTTPacketDecoder()
        decoder.append(try packet.encoded())
        #expect(try decoder.next() == packet)
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == 0)
    }

    /// 200 KB: a 3-byte remaining length, under the 256 KiB default limit (kept out of the arguments above,
    /// whose descriptions the test log prints).
    @Test func largePublishRoundTrip() throws {
        let packet = MQTTPacket.publish(
            MQTTMessage(
                topic: "big", payload: Array(repeating: 0x41, count: 200_000),
                qos: .atLeastOnce), packetID: 1, isDuplicate: false)
        let bytes = try packet.encoded()
        #expect(bytes.count == 1 + 3 + (2 + 3) + 2 + 200_000)
        var decoder = MQTTPacketDecoder()
        decoder.append(bytes)
        #expect(try decoder.next() == packet)
    }

    @Test func knownEncodings() throws {
        #expect(try MQTTPacket.puback(packetID: 0x1234).encoded() == [0x40, 0x02, 0x12, 0x34])
        #expect(try MQTTPacket.pingreq.encoded() == [0xC0, 0x00])
        #expect(try MQTTPacket.disconnect.encoded() == [0xE0, 0x00])
        #expect(
            try MQTTPacket.publish(
                MQTTMessage(topic: "a/b", text: "x", qos: .atLeastOnce, retain: true),
                packetID: 10, isDuplicate: false
            ).encoded()
                == [0x33, 0x08, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x78])
        let connect = try MQTTPacket.connect(MQTTConnect(clientID: "c", cleanSession: false, keepAliveSeconds: 60))
            .encoded()
        #expect(connect == [0x10, 0x0D, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x00, 0x00, 0x3C, 0x00, 0x01, 0x63])
    }

    /// 128 bytes of remaining length need exactly two length bytes.
    @Test func multiByteRemainingLength() throws {
        let packet = MQTTPacket.publish(
            MQTTMessage(topic: "t", payload: Array(repeating: 1, count: 125)),
            packetID: nil, isDuplicate: false)
        let bytes = try packet.encoded()
        #expect(Array(bytes[1...2]) == [0x80, 0x01])
    }

    @Test func allPacketsFedByteByByte() throws {
        var stream: [UInt8] = []
        for packet in MQTTPacketCodecTests.packets { try packet.encode(into: &stream) }
        var decoder = MQTTPacketDecoder()
        var decoded: [MQTTPacket] = []
        for byte in stream {
            decoder.append([byte])
            while let packet = try decoder.next() { decoded.append(packet) }
        }
        #expect(decoded == MQTTPacketCodecTests.packets)
    }

    @Test func arbitraryChunks() throws {
        var stream: [UInt8] = []
        for packet in MQTTPacketCodecTests.packets { try packet.encode(into: &stream) }
        for chunkSize in [2, 3, 7, 100, 4096, 65536] {
            var decoder = MQTTPacketDecoder()
            var decoded: [MQTTPacket] = []
            var start = 0
            while start < stream.count {
                decoder.append(Array(stream[start..<min(start + chunkSize, stream.count)]))
                start += chunkSize
                while let packet = try decoder.next() { decoded.append(packet) }
            }
            #expect(decoded == MQTTPacketCodecTests.packets, "chunk size \(chunkSize)")
        }
    }

    @Test func truncatedPacketIsIncompleteNotAnError() throws {
        let bytes = try MQTTPacketCodecTests.packets[1].encoded()
        var decoder = MQTTPacketDecoder()
        for byte in bytes.dropLast() {
            decoder.append([byte])
            #expect(try decoder.next() == nil)
        }
        decoder.append([bytes.last!])
        #expect(try decoder.next() == MQTTPacketCodecTests.packets[1])
    }

    @Test func encoderRefusesWhatCannotBeOnTheWire() {
        func refuses(_ packet: MQTTPacket) -> Bool { (try? packet.encoded()) == nil }
        #expect(refuses(.publish(MQTTMessage(topic: "a/+/b", text: "x"), packetID: nil, isDuplicate: false)))
        #expect(refuses(.publish(MQTTMessage(topic: "a/#", text: "x"), packetID: nil, isDuplicate: false)))
        #expect(refuses(.publish(MQTTMessage(topic: "", text: "x"), packetID: nil, isDuplicate: false)))
        #expect(refuses(.publish(MQTTMessage(topic: "a\u{0}b", text: "x"), packetID: nil, isDuplicate: false)))
        #expect(
            refuses(
                .publish(
                    MQTTMessage(topic: String(repeating: "a", count: 65536), text: "x"),
                    packetID: nil, isDuplicate: false)))
        #expect(
            refuses(
                .publish(
                    MQTTMessage(topic: "a", text: "x", qos: .atLeastOnce), packetID: nil,
                    isDuplicate: false)))
        #expect(refuses(.publish(MQTTMessage(topic: "a", text: "x"), packetID: nil, isDuplicate: true)))
        #expect(refuses(.puback(packetID: 0)))
        #expect(refuses(.subscribe(packetID: 1, subscriptions: [])))
        #expect(refuses(.suback(packetID: 1, returnCodes: [3])))
        #expect(
            refuses(
                .connect(
                    MQTTConnect(
                        clientID: "c", cleanSession: true, keepAliveSeconds: 1,
                        password: [1]))))
        #expect(
            !refuses(
                .publish(
                    MQTTMessage(topic: String(repeating: "a", count: 65535), text: "x"),
                    packetID: nil, isDuplicate: false)))
    }
}
