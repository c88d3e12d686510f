import TedgeMQTTCodec
import TedgeMessaging
import Testing

/// The frame layer: whole packets cut from a stream, bounded, byte for byte, whatever their type.
@Suite struct MQTTFrameDecoderTests {
    private func frames(_ bytes: [UInt8], limit: Int = 4096) throws(MQTTProtocolError) -> [MQTTFrame] {
        var decoder = MQTTFrameDecoder(maxRemainingLength: limit)
        decoder.append(bytes)
        var frames: [MQTTFrame] = []
        while let frame = try decoder.next() { frames.append(frame) }
        return frames
    }

    @Test func aConnectIsFramedWholeAndDecodedWithItsClientIDAndUsername() throws {
        let connect = MQTTConnect(
            clientID: "dev-1", cleanSession: true, keepAliveSeconds: 60, username: "hub/dev-1/?api-version=1")
        let bytes = try MQTTPacket.connect(connect).encoded()
        let ping = try MQTTPacket.pingreq.encoded()
        let framed = try frames(bytes + ping)
        #expect(framed.map(\.bytes) == [bytes, ping])
        #expect(framed.map(\.type) == [.connect, .pingreq])
        #expect(try framed[0].decode() == .connect(connect))
        for cut in 0..<bytes.count { #expect(try frames(Array(bytes.prefix(cut))) == []) }
    }

    /// MQTT 3.1 ("MQIsdp", level 3): what the simulator accepted from devices before the codec was shared.
    @Test func anMQTT31ConnectDecodesAndEncodesAsItCame() throws {
        func string(_ text: String) -> [UInt8] { [0, UInt8(text.utf8.count)] + Array(text.utf8) }
        let body = string("MQIsdp") + [3, 0x82, 0, 30] + string("dev-2") + string("user")
        let bytes = [0x10, UInt8(body.count)] + body
        let packet = try #require(try frames(bytes).first).decode()
        #expect(
            packet
                == .connect(
                    MQTTConnect(clientID: "dev-2", cleanSession: true, keepAliveSeconds: 30, username: "user", protocolLevel: 3)))
        #expect(try packet.encoded() == bytes)
        // Level and name must agree; MQTT 5 is refused.
        var mismatched = bytes
        mismatched[10] = 4
        #expect(throws: MQTTProtocolError.invalidConnect("protocol level 4")) { try frames(mismatched).first?.decode() }
        #expect(throws: MQTTProtocolError.invalidConnect("protocol level 5")) {
            try MQTTPacket.connect(MQTTConnect(clientID: "c", cleanSession: true, keepAliveSeconds: 0, protocolLevel: 5))
                .encoded()
        }
    }

    /// What the mapper's strict decoder refuses is still a frame: a relay passes it on unchanged.
    @Test func framesKeepWhatTheTypedDecodeRefusesByteForByte() throws {
        let refused: [([UInt8], MQTTProtocolError)] = [
            ([0x50, 0x02, 0x00, 0x01], .unsupportedPacketType(5)),  // PUBREC
            ([0x62, 0x02, 0x00, 0x01], .unsupportedPacketType(6)),  // PUBREL
            ([0x70, 0x02, 0x00, 0x01], .unsupportedPacketType(7)),  // PUBCOMP
            ([0xA2, 0x05, 0x00, 0x02, 0x00, 0x01, 0x61], .unsupportedPacketType(10)),  // UNSUBSCRIBE
            ([0xB0, 0x02, 0x00, 0x02], .unsupportedPacketType(11)),  // UNSUBACK
            ([0xC1, 0x00], .invalidFixedHeaderFlags(packetType: 12, flags: 1)),  // PINGREQ with a flag
            ([0x30, 0x04, 0x00, 0x02, 0x61, 0x23], .invalidTopic("contains a wildcard")),
        ]
        let stream = refused.flatMap(\.0)
        let framed = try frames(stream)
        #expect(framed.map(\.bytes) == refused.map(\.0))
        for (frame, (_, error)) in zip(framed, refused) {
            #expect(throws: error) { try frame.decode() }
        }
        // A remaining length in more bytes than it needs is still the packet the peer sent.
        let padded: [UInt8] = [0xC0, 0x80, 0x00]
        #expect(try frames(padded).map(\.bytes) == [padded])
        #expect(try frames(padded).first?.body.isEmpty == true)
    }

    @Test func lengthsThatLieAreErrorsNotTraps() {
        #expect(throws: MQTTProtocolError.malformedRemainingLength) { try frames([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) }
        #expect(throws: MQTTProtocolError.packetTooLarge(length: 268_435_455, limit: 4096)) {
            try frames([0x30, 0xFF, 0xFF, 0xFF, 0x7F])
        }
        #expect(throws: MQTTProtocolError.reservedPacketType(0)) { try frames([0x00, 0x00]) }
        #expect(throws: MQTTProtocolError.reservedPacketType(15)) { try frames([0xF0]) }
        // A body too short for its fields is framed; only the typed decode refuses it.
        #expect(throws: MQTTProtocolError.truncated("PUBLISH topic")) {
            try frames([0x30, 0x03, 0xFF, 0xFF, 0x61]).first?.decode()
        }
        #expect(throws: MQTTProtocolError.truncated("SUBSCRIBE QoS")) {
            try frames([0x82, 0x06, 0x00, 0x01, 0x00, 0x02, 0x61, 0x2F]).first?.decode()
        }
    }

    @Test func bufferStaysBoundedUnderAFloodOfPartialPackets() throws {
        var decoder = MQTTFrameDecoder(maxRemainingLength: 1000)
        decoder.append([0x30, 0xE7, 0x07, 0x00, 0x01, 0x61])  // a 999-byte PUBLISH announced
        for _ in 0..<10 {
            decoder.append(Array(repeating: 0x42, count: 99))
            #expect(try decoder.next() == nil)
            #expect(decoder.bufferedByteCount <= 1000 + 3)
        }
        decoder.append(Array(repeating: 0x42, count: 6) + [0xE0])
        let frame = try #require(try decoder.next())
        #expect(frame.bytes.count == 1002 && frame.header.byteCount == 3)
        #expect(decoder.bufferedByteCount == 1)
        decoder.append([0x00])
        #expect(try decoder.next()?.type == .disconnect)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func aLargeBodyGetsAFourByteLength() throws {
        let packet = MQTTPacket.publish(
            MQTTMessage(topic: "t", payload: [UInt8](repeating: 1, count: 2_100_000)), packetID: nil, isDuplicate: false)
        let bytes = try packet.encoded()
        #expect(bytes[1] & 0x80 != 0 && bytes[3] & 0x80 != 0 && bytes[4] & 0x80 == 0)
        let frame = try #require(try frames(bytes, limit: 4 << 20).first)
        #expect(frame.header.byteCount == 5 && frame.header.remainingLength == bytes.count - 5)
        #expect(try frame.decode() == packet)
    }

    @Test func randomBytesNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var decoder = MQTTFrameDecoder(maxRemainingLength: 64)
            decoder.append(bytes)
            while let frame = try? decoder.next() {
                #expect(frame.bytes.count == frame.header.packetLength)
                _ = try? frame.decode()
                _ = try? MQTTUnsubscribe(frame)
            }
        }
    }
}
