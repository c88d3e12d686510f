import TedgeMessaging

/// Turns a byte stream, fed in chunks of any size, into whole packets. Holds at most one incomplete packet,
/// whose announced length is checked against `maxRemainingLength` as soon as its fixed header is complete,
/// so a hostile peer cannot make it buffer without bound. After a thrown error the stream is unusable.
///
/// A PUBLISH longer than the limit is not a protocol violation (the broker may carry any size): its topic
/// and packet identifier are read, its payload is skipped without being buffered, and it comes out with an
/// empty payload and `omittedPayloadBytes` set, so the receiver can report and acknowledge it instead of
/// having it redelivered forever.
public struct MQTTPacketDecoder {
    public static let defaultMaxRemainingLength = 256 * 1024

    public let maxRemainingLength: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Payload bytes of an oversized PUBLISH still to be dropped as they arrive.
    private var skipping = 0

    /// A decoded packet, and how many payload bytes of an oversized PUBLISH were dropped (0 for any other).
    public struct Decoded: Equatable, Sendable {
        public let packet: MQTTPacket
        public let omittedPayloadBytes: Int
    }

    public init(maxRemainingLength: Int = MQTTPacketDecoder.defaultMaxRemainingLength) {
        self.maxRemainingLength = min(maxRemainingLength, MQTTPacket.maximumRemainingLength)
    }

    /// Bytes received but not yet returned as packets. Call `next()` until it returns nil after each append.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next whole packet, nil when more bytes are needed.
    public mutating func next() throws(MQTTProtocolError) -> MQTTPacket? { try nextDecoded()?.packet }

    /// The next whole packet with what was dropped of it, nil when more bytes are needed.
    public mutating func nextDecoded() throws(MQTTProtocolError) -> Decoded? {
        dropSkippedBytes()
        guard skipping == 0, start < buffer.count else { return nil }
        let firstByte = buffer[start]
        try MQTTPacketDecoder.validateFixedHeader(firstByte)
        var remainingLength = 0
        var index = start + 1
        var shift = 0
        while true {
            guard index < buffer.count else { return nil }
            let digit = buffer[index]
            index += 1
            remainingLength |= Int(digit & 0x7F) << shift
            if digit & 0x80 == 0 { break }
            shift += 7
            guard shift < 28 else { throw .malformedRemainingLength }
        }
        guard remainingLength <= maxRemainingLength else {
            guard firstByte >> 4 == MQTTPacket.PacketType.publish else {
                throw .packetTooLarge(length: remainingLength, limit: maxRemainingLength)
            }
            return try oversizedPublish(firstByte: firstByte, remainingLength: remainingLength, bodyStart: index)
        }
        guard buffer.count - index >= remainingLength else { return nil }
        let body = buffer[index..<index + remainingLength]
        start = index + remainingLength
        return Decoded(packet: try MQTTPacketDecoder.decodeBody(firstByte: firstByte, body: body), omittedPayloadBytes: 0)
    }

    /// Reads an oversized PUBLISH's topic and packet identifier (at most 65,539 bytes) and skips its payload.
    private mutating func oversizedPublish(firstByte: UInt8, remainingLength: Int, bodyStart: Int)
        throws(MQTTProtocolError) -> Decoded?
    {
        guard buffer.count - bodyStart >= 2 else { return nil }
        let topicLength = Int(buffer[bodyStart]) << 8 | Int(buffer[bodyStart + 1])
        let hasPacketID = (firstByte >> 1) & 0x03 != 0
        let headerLength = 2 + topicLength + (hasPacketID ? 2 : 0)
        guard headerLength <= remainingLength else { throw .packetTooLarge(length: remainingLength, limit: maxRemainingLength) }
        guard buffer.count - bodyStart >= headerLength else { return nil }
        var reader = MQTTByteReader(buffer[bodyStart..<bodyStart + headerLength])
        let packet = try MQTTPacketDecoder.decodePublish(firstByte: firstByte, &reader)
        start = bodyStart + headerLength
        skipping = remainingLength - headerLength
        let omitted = skipping
        dropSkippedBytes()
        return Decoded(packet: packet, omittedPayloadBytes: omitted)
    }

    private mutating func dropSkippedBytes() {
        guard skipping > 0 else { return }
        let available = min(skipping, buffer.count - start)
        start += available
        skipping -= available
    }

    /// Drops consumed bytes before growing, so the buffer never holds more than one partial packet and a chunk.
    private mutating func compact() {
        guard start > 0 else { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.removeSubrange(0..<start)
        }
        start = 0
    }

    /// Packet type and flag checks that need only the first byte, so garbage is refused before any buffering.
    private static func validateFixedHeader(_ firstByte: UInt8) throws(MQTTProtocolError) {
        let type = firstByte >> 4
        let flags = firstByte & 0x0F
        switch type {
        case 0, 15: throw .reservedPacketType(type)
        case MQTTPacket.PacketType.publish:
            let qos = (flags >> 1) & 0x03
            guard qos != 3 else { throw .invalidQoS(qos) }
            if qos == 0 && flags & 0x08 != 0 { throw .invalidFixedHeaderFlags(packetType: type, flags: flags) }
        case MQTTPacket.PacketType.pubrel, MQTTPacket.PacketType.subscribe, MQTTPacket.PacketType.unsubscribe:
            guard flags == 0x02 else { throw .invalidFixedHeaderFlags(packetType: type, flags: flags) }
        default:
            guard flags == 0 else { throw .invalidFixedHeaderFlags(packetType: type, flags: flags) }
        }
        switch type {
        case MQTTPacket.PacketType.pubrec, MQTTPacket.PacketType.pubrel, MQTTPacket.PacketType.pubcomp,
            MQTTPacket.PacketType.unsubscribe, MQTTPacket.PacketType.unsuback:
            throw .unsupportedPacketType(type)
        default: break
        }
    }

    private static func decodeBody(firstByte: UInt8, body: ArraySlice<UInt8>) throws(MQTTProtocolError)
        -> MQTTPacket
    {
        var reader = MQTTByteReader(body)
        let packet: MQTTPacket
        switch firstByte >> 4 {
        case MQTTPacket.PacketType.connect:
            packet = .connect(try decodeConnect(&reader))
        case MQTTPacket.PacketType.connack:
            let acknowledgeFlags = try reader.readByte("CONNACK")
            guard acknowledgeFlags & 0xFE == 0 else { throw .invalidConnack("reserved flags \(acknowledgeFlags)") }
            packet = .connack(sessionPresent: acknowledgeFlags == 1, returnCode: try reader.readByte("CONNACK"))
        case MQTTPacket.PacketType.publish:
            packet = try decodePublish(firstByte: firstByte, &reader)
        case MQTTPacket.PacketType.puback:
            packet = .puback(packetID: try readPacketID(&reader, "PUBACK"))
        case MQTTPacket.PacketType.subscribe:
            let packetID = try readPacketID(&reader, "SUBSCRIBE")
            var subscriptions: [MQTTSubscription] = []
            repeat {
                let filter = try reader.readString("SUBSCRIBE topic filter")
                guard !filter.isEmpty else { throw .invalidSubscribe("empty topic filter") }
                let requested = try reader.readByte("SUBSCRIBE QoS")
                guard requested <= 2, let qos = MQTTQoS(rawValue: Int32(requested)) else {
                    throw .invalidSubscribe("requested QoS byte \(requested)")
                }
                subscriptions.append(MQTTSubscription(filter: filter, qos: qos))
            } while !reader.isAtEnd
            packet = .subscribe(packetID: packetID, subscriptions: subscriptions)
        case MQTTPacket.PacketType.suback:
            let packetID = try readPacketID(&reader, "SUBACK")
            let returnCodes = reader.readRest()
            guard !returnCodes.isEmpty else { throw .invalidSuback("no return code") }
            for code in returnCodes where !MQTTPacket.isValidSubackReturnCode(code) {
                throw .invalidSuback("return code \(code)")
            }
            packet = .suback(packetID: packetID, returnCodes: returnCodes)
        case MQTTPacket.PacketType.pingreq: packet = .pingreq
        case MQTTPacket.PacketType.pingresp: packet = .pingresp
        case MQTTPacket.PacketType.disconnect: packet = .disconnect
        default: throw .unsupportedPacketType(firstByte >> 4)  // unreachable: refused in validateFixedHeader
        }
        guard reader.isAtEnd else { throw .trailingBytes("packet type \(firstByte >> 4)") }
        return packet
    }

    private static func readPacketID(_ reader: inout MQTTByteReader, _ what: String) throws(MQTTProtocolError)
        -> UInt16
    {
        let packetID = try reader.readUInt16("\(what) packet identifier")
        guard packetID != 0 else { throw .invalidPacketID }
        return packetID
    }

    private static func decodePublish(firstByte: UInt8, _ reader: inout MQTTByteReader)
        throws(MQTTProtocolError) -> MQTTPacket
    {
        let qosBits = (firstByte >> 1) & 0x03
        guard let qos = MQTTQoS(rawValue: Int32(qosBits)) else { throw .invalidQoS(qosBits) }
        let topic = try reader.readString("PUBLISH topic")
        try MQTTPacket.validatePublishTopic(topic)
        let packetID = qos == .atMostOnce ? nil : try readPacketID(&reader, "PUBLISH")
        let message = MQTTMessage(topic: topic, payload: reader.readRest(), qos: qos, retain: firstByte & 0x01 != 0)
        return .publish(message, packetID: packetID, isDuplicate: firstByte & 0x08 != 0)
    }

    private static func decodeConnect(_ reader: inout MQTTByteReader) throws(MQTTProtocolError) -> MQTTConnect {
        guard try reader.readString("CONNECT protocol name") == "MQTT" else {
            throw .invalidConnect("protocol name is not MQTT")
        }
        let level = try reader.readByte("CONNECT protocol level")
        guard level == 4 else { throw .invalidConnect("protocol level \(level)") }
        let flags = try reader.readByte("CONNECT flags")
        guard flags & 0x01 == 0 else { throw .invalidConnect("reserved flag set") }
        let hasWill = flags & 0x04 != 0
        let willQoSBits = (flags >> 3) & 0x03
        let willRetain = flags & 0x20 != 0
        let hasPassword = flags & 0x40 != 0
        let hasUsername = flags & 0x80 != 0
        guard willQoSBits != 3 else { throw .invalidQoS(willQoSBits) }
        if !hasWill && (willQoSBits != 0 || willRetain) { throw .invalidConnect("will flags without a will") }
        if hasPassword && !hasUsername { throw .invalidConnect("password without user name") }
        let keepAlive = try reader.readUInt16("CONNECT keep alive")
        let clientID = try reader.readString("CONNECT client identifier")
        var will: MQTTMessage?
        if hasWill {
            let topic = try reader.readString("CONNECT will topic")
            try MQTTPacket.validatePublishTopic(topic)
            let payload = try reader.readBinary("CONNECT will message")
            let qos = MQTTQoS(rawValue: Int32(willQoSBits)) ?? .atMostOnce
            will = MQTTMessage(topic: topic, payload: payload, qos: qos, retain: willRetain)
        }
        let username = hasUsername ? try reader.readString("CONNECT user name") : nil
        let password = hasPassword ? try reader.readBinary("CONNECT password") : nil
        return MQTTConnect(
            clientID: clientID, cleanSession: flags & 0x02 != 0, keepAliveSeconds: keepAlive,
            will: will, username: username, password: password)
    }
}
