import TedgeMQTTCodec
import Testing

@Suite struct MQTTUnsubscribeTests {
    private func frame(_ bytes: [UInt8]) throws -> MQTTFrame {
        var decoder = MQTTFrameDecoder(maxRemainingLength: 4096)
        decoder.append(bytes)
        return try #require(try decoder.next())
    }

    @Test func decodesEncodesAndIsAnsweredByUnsuback() throws {
        let bytes: [UInt8] = [0xA2, 0x0C, 0x00, 0x07, 0x00, 0x03, 0x61, 0x2F, 0x23, 0x00, 0x03, 0x24, 0x2F, 0x2B]
        let unsubscribe = try MQTTUnsubscribe(frame(bytes))
        #expect(unsubscribe == MQTTUnsubscribe(packetID: 7, filters: ["a/#", "$/+"]))
        #expect(try unsubscribe.encoded() == bytes)
        #expect(unsubscribe.acknowledgement == [0xB0, 0x02, 0x00, 0x07])
    }

    @Test func malformedOnesAreRefused() throws {
        #expect(throws: MQTTProtocolError.invalidFixedHeaderFlags(packetType: 10, flags: 0)) {
            try MQTTUnsubscribe(frame([0xA0, 0x05, 0x00, 0x01, 0x00, 0x01, 0x61]))
        }
        #expect(throws: MQTTProtocolError.invalidPacketID) {
            try MQTTUnsubscribe(frame([0xA2, 0x05, 0x00, 0x00, 0x00, 0x01, 0x61]))
        }
        #expect(throws: MQTTProtocolError.truncated("UNSUBSCRIBE topic filter")) {
            try MQTTUnsubscribe(frame([0xA2, 0x02, 0x00, 0x01]))
        }
        #expect(throws: MQTTProtocolError.invalidUnsubscribe("empty topic filter")) {
            try MQTTUnsubscribe(frame([0xA2, 0x04, 0x00, 0x01, 0x00, 0x00]))
        }
        #expect(throws: MQTTProtocolError.invalidUnsubscribe("packet type 8")) {
            try MQTTUnsubscribe(frame([0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00]))
        }
        #expect(throws: MQTTProtocolError.invalidUnsubscribe("no topic filter")) {
            try MQTTUnsubscribe(packetID: 1, filters: []).encoded()
        }
        #expect(throws: MQTTProtocolError.invalidPacketID) { try MQTTUnsubscribe(packetID: 0, filters: ["a"]).encoded() }
    }
}
