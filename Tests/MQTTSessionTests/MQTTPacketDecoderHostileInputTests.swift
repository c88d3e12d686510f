import TedgeMQTTSession
import TedgeMessaging
import Testing

/// Whatever the peer sends, the decoder answers with an MQTTProtocolError or waits for more, bounded.
@Suite struct MQTTPacketDecoderHostileInputTests {
    private func decode(_ bytes: [UInt8], maxRemainingLength: Int = MQTTPacketDecoder.defaultMaxRemainingLength)
        throws(MQTTProtocolError) -> MQTTPacket?
    {
        var decoder = MQTTPacketDecoder(maxRemainingLength: maxRemainingLength)
        decoder.append(bytes)
        return try decoder.next()
    }

    @Test func oversizedRemainingLengthRefusedFromTheHeaderAlone() {
        // 256 KiB + 1 announced for a SUBACK; only the fixed header has arrived.
        #expect(throws: MQTTProtocolError.packetTooLarge(length: 262_145, limit: 262_144)) {
            try decode([0x90, 0x81, 0x80, 0x10])
        }
        #expect(throws: MQTTProtocolError.packetTooLarge(length: 1000, limit: 100)) {
            try decode([0x40, 0xE8, 0x07], maxRemainingLength: 100)
        }
    }

    /// A PUBLISH larger than the limit is legal MQTT: its topic and packet id come out, its payload is
    /// dropped as it arrives (never buffered), and the packet after it decodes normally.
    @Test func oversizedPublishIsSkippedNotBuffered() throws {
        var decoder = MQTTPacketDecoder(maxRemainingLength: 100)
        let payload = [UInt8](repeating: 0x41, count: 1_000)
        let big = try MQTTPacket.publish(
            MQTTMessage(topic: "t/big", payload: payload, qos: .atLeastOnce),
            packetID: 7, isDuplicate: false
        ).encoded()
        let after = try MQTTPacket.puback(packetID: 9).encoded()
        var decoded: [MQTTPacketDecoder.Decoded] = []
        for chunk in stride(from: 0, to: big.count + after.count, by: 37) {
            let bytes = Array((big + after)[chunk..<min(chunk + 37, big.count + after.count)])
            decoder.append(bytes)
            #expect(decoder.bufferedByteCount <= 100 + 37, "never more than the limit and a chunk buffered")
            while let item = try decoder.nextDecoded() { decoded.append(item) }
        }
        #expect(decoded.count == 2)
        #expect(
            decoded.first?.packet
                == .publish(
                    MQTTMessage(topic: "t/big", payload: [], qos: .atLeastOnce),
                    packetID: 7, isDuplicate: false))
        #expect(decoded.first?.omittedPayloadBytes == 1_000)
        #expect(decoded.last?.packet == .puback(packetID: 9))
        #expect(decoded.last?.omittedPayloadBytes == 0)
    }

    @Test func fiveByteRemainingLengthRefused() {
        #expect(throws: MQTTProtocolError.malformedRemainingLength) {
            try decode([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        }
        #expect(throws: MQTTProtocolError.malformedRemainingLength) {
            try decode([0x30, 0x80, 0x80, 0x80, 0x80])
        }
    }

    @Test func truncatedBodiesRefused() {
        // Complete packets whose bodies are too short for their fields.
        #expect(throws: MQTTProtocolError.self) { try decode([0x40, 0x01, 0x00]) }  // PUBACK, 1 byte
        #expect(throws: MQTTProtocolError.self) { try decode([0x30, 0x03, 0x00, 0x05, 0x61]) }  // topic cut
        #expect(throws: MQTTProtocolError.self) { try decode([0x32, 0x03, 0x00, 0x01, 0x61]) }  // no packet id
        #expect(throws: MQTTProtocolError.self) { try decode([0x20, 0x01, 0x00]) }  // CONNACK
        #expect(throws: MQTTProtocolError.self) { try decode([0x90, 0x02, 0x00, 0x01]) }  // SUBACK, no code
        #expect(throws: MQTTProtocolError.self) { try decode([0x10, 0x04, 0x00, 0x04, 0x4D, 0x51]) }  // CONNECT
    }

    @Test func trailingBytesRefused() {
        #expect(throws: MQTTProtocolError.trailingBytes("packet type 4")) { try decode([0x40, 0x03, 0x00, 0x01, 0x00]) }
        #expect(throws: MQTTProtocolError.trailingBytes("packet type 13")) { try decode([0xD0, 0x01, 0x00]) }
    }

    @Test func invalidUTF8TopicRefused() {
        #expect(throws: MQTTProtocolError.invalidString("PUBLISH topic is not valid UTF-8")) {
            try decode([0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 0x78])
        }
        // A UTF-16 surrogate encoded in UTF-8 (not allowed, §1.5.3).
        #expect(throws: MQTTProtocolError.self) { try decode([0x30, 0x05, 0x00, 0x03, 0xED, 0xA0, 0x80]) }
        #expect(throws: MQTTProtocolError.invalidString("PUBLISH topic contains NUL")) {
            try decode([0x30, 0x05, 0x00, 0x03, 0x61, 0x00, 0x62])
        }
    }

    @Test func wildcardInPublishTopicRefused() {
        #expect(throws: MQTTProtocolError.invalidTopic("contains a wildcard")) {
            try decode([0x30, 0x04, 0x00, 0x02, 0x61, 0x23])
        }
        #expect(throws: MQTTProtocolError.invalidTopic("contains a wildcard")) {
            try decode([0x30, 0x04, 0x00, 0x02, 0x2B, 0x61])
        }
        #expect(throws: MQTTProtocolError.invalidTopic("empty")) { try decode([0x30, 0x02, 0x00, 0x00]) }
    }

    @Test func qos3Refused() {
        #expect(throws: MQTTProtocolError.invalidQoS(3)) { try decode([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]) }
        // Refused from the first byte: no need to wait for the rest.
        #expect(throws: MQTTProtocolError.invalidQoS(3)) { try decode([0x36]) }
        // Will QoS 3 in CONNECT flags.
        #expect(throws: MQTTProtocolError.self) {
            try decode([0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x1C, 0x00, 0x3C, 0x00, 0x00])
        }
    }

    @Test func reservedFlagsAndTypesRefused() {
        #expect(throws: MQTTProtocolError.reservedPacketType(0)) { try decode([0x00, 0x00]) }
        #expect(throws: MQTTProtocolError.reservedPacketType(15)) { try decode([0xF0, 0x00]) }
        #expect(throws: MQTTProtocolError.invalidFixedHeaderFlags(packetType: 4, flags: 1)) {
            try decode([0x41, 0x02, 0x00, 0x01])
        }
        #expect(throws: MQTTProtocolError.invalidFixedHeaderFlags(packetType: 8, flags: 0)) {
            try decode([0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x01])
        }
        // DUP on QoS 0.
        #expect(throws: MQTTProtocolError.invalidFixedHeaderFlags(packetType: 3, flags: 8)) {
            try decode([0x38, 0x03, 0x00, 0x01, 0x61])
        }
        #expect(throws: MQTTProtocolError.invalidConnack("reserved flags 2")) { try decode([0x20, 0x02, 0x02, 0x00]) }
        #expect(throws: MQTTProtocolError.invalidSuback("return code 3")) { try decode([0x90, 0x03, 0x00, 0x01, 0x03]) }
    }

    @Test func qos2FlowAndUnsubscribeRefusedCleanly() {
        #expect(throws: MQTTProtocolError.unsupportedPacketType(5)) { try decode([0x50, 0x02, 0x00, 0x01]) }
        #expect(throws: MQTTProtocolError.unsupportedPacketType(6)) { try decode([0x62, 0x02, 0x00, 0x01]) }
        #expect(throws: MQTTProtocolError.unsupportedPacketType(7)) { try decode([0x70, 0x02, 0x00, 0x01]) }
        #expect(throws: MQTTProtocolError.unsupportedPacketType(11)) { try decode([0xB0, 0x02, 0x00, 0x01]) }
    }

    @Test func packetIdentifierZeroRefused() {
        #expect(throws: MQTTProtocolError.invalidPacketID) { try decode([0x40, 0x02, 0x00, 0x00]) }
        #expect(throws: MQTTProtocolError.invalidPacketID) { try decode([0x32, 0x05, 0x00, 0x01, 0x61, 0x00, 0x00]) }
    }

    @Test func bufferStaysBoundedUnderAFloodOfPartialPackets() throws {
        var decoder = MQTTPacketDecoder(maxRemainingLength: 1000)
        decoder.append([0x30, 0xE7, 0x07])  // a 999-byte PUBLISH announced
        decoder.append([0x00, 0x01, 0x61])
        for _ in 0..<10 {
            decoder.append(Array(repeating: 0x42, count: 99))
            #expect(try decoder.next() == nil)
        }
        decoder.append(Array(repeating: 0x42, count: 6))
        let packet = try decoder.next()
        #expect(packet?.publishedTopic == "a")
        #expect(decoder.bufferedByteCount == 0)
    }
}
