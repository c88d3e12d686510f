import TedgeMessaging

/// Turns a byte stream, fed in chunks of any size, into whole packets. Holds at most one incomplete packet,
/// whose announced length is checked against `maxRemainingLength` as soon as its fixed header is complete,
/// so a hostile peer cannot make it buffer without bound. After a thrown error the stream is unusable.
/// It reads through the frame layer (`MQTTFrameDecoder`, which the simulator uses on its own) without
/// copying bodies, and refuses what the first byte already rules out before waiting for the rest.
///
/// A PUBLISH longer than the limit is not a protocol violation (the broker may carry any size): its topic
/// and packet identifier are read, its payload is skipped without being buffered, and it comes out with an
/// empty payload and `omittedPayloadBytes` set, so the receiver can report and acknowledge it instead of
/// having it redelivered forever.
public struct MQTTPacketDecoder {
    public static let defaultMaxRemainingLength = 256 * 1024

    public let maxRemainingLength: Int
    private var frames: MQTTFrameDecoder

    /// A decoded packet, and how many payload bytes of an oversized PUBLISH were dropped (0 for any other).
    public struct Decoded: Equatable, Sendable {
        public let packet: MQTTPacket
        public let omittedPayloadBytes: Int
    }

    public init(maxRemainingLength: Int = MQTTPacketDecoder.defaultMaxRemainingLength) {
        self.maxRemainingLength = min(maxRemainingLength, MQTTFixedHeader.maximumRemainingLength)
        frames = MQTTFrameDecoder(maxRemainingLength: self.maxRemainingLength)
    }

    /// Bytes received but not yet returned as packets. Call `next()` until it returns nil after each append.
    public var bufferedByteCount: Int { frames.bufferedByteCount }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) { frames.append(bytes) }

    public mutating func append(_ bytes: [UInt8]) { frames.append(bytes) }

    /// The next whole packet, nil when more bytes are needed.
    public mutating func next() throws(MQTTProtocolError) -> MQTTPacket? { try nextDecoded()?.packet }

    /// The next whole packet with what was dropped of it, nil when more bytes are needed.
    public mutating func nextDecoded() throws(MQTTProtocolError) -> Decoded? {
        guard let firstByte = frames.peekFirstByte() else { return nil }
        try MQTTPacketDecoder.validateFixedHeader(firstByte)
        guard let header = try frames.peekHeader() else { return nil }
        guard header.remainingLength <= maxRemainingLength else {
            guard header.type == .publish else {
                throw .packetTooLarge(length: header.remainingLength, limit: maxRemainingLength)
            }
            return try oversizedPublish(header)
        }
        guard let body = frames.peekBody(of: header, count: header.remainingLength) else { return nil }
        frames.consume(header, bodyBytes: header.remainingLength)
        return Decoded(packet: try MQTTPacketDecoder.decodeBody(header, body), omittedPayloadBytes: 0)
    }

    /// Reads an oversized PUBLISH's topic and packet identifier (at most 65,539 bytes) and skips its payload.
    private mutating func oversizedPublish(_ header: MQTTFixedHeader) throws(MQTTProtocolError) -> Decoded? {
        guard let topicLengthBytes = frames.peekBody(of: header, count: 2) else { return nil }
        let topicLength = topicLengthBytes.reduce(0) { $0 << 8 | Int($1) }
        let hasPacketID = (header.flags >> 1) & 0x03 != 0
        let headerLength = 2 + topicLength + (hasPacketID ? 2 : 0)
        guard headerLength <= header.remainingLength else {
            throw .packetTooLarge(length: header.remainingLength, limit: maxRemainingLength)
        }
        guard let variableHeader = frames.peekBody(of: header, count: headerLength) else { return nil }
        var reader = MQTTByteReader(variableHeader)
        let packet = try MQTTPacketDecoder.decodePublish(flags: header.flags, &reader)
        frames.consume(header, bodyBytes: headerLength)
        return Decoded(packet: packet, omittedPayloadBytes: header.remainingLength - headerLength)
    }

    /// Packet type and flag checks that need only the first byte, so garbage is refused before any buffering.
    static func validateFixedHeader(_ firstByte: UInt8) throws(MQTTProtocolError) {
        guard let type = MQTTPacketType(rawValue: firstByte >> 4) else { throw .reservedPacketType(firstByte >> 4) }
        try validateFlags(firstByte & 0x0F, of: type)
        switch type {
        case .pubrec, .pubrel, .pubcomp, .unsubscribe, .unsuback: throw .unsupportedPacketType(type.rawValue)
        default: break
        }
    }

    /// The fixed-header flags each packet type must carry (§2.2.2); PUBLISH's are DUP, QoS and RETAIN.
    static func validateFlags(_ flags: UInt8, of type: MQTTPacketType) throws(MQTTProtocolError) {
        switch type {
        case .publish:
            let qos = (flags >> 1) & 0x03
            guard qos != 3 else { throw .invalidQoS(qos) }
            if qos == 0 && flags & 0x08 != 0 { throw .invalidFixedHeaderFlags(packetType: type.rawValue, flags: flags) }
        case .pubrel, .subscribe, .unsubscribe:
            guard flags == 0x02 else { throw .invalidFixedHeaderFlags(packetType: type.rawValue, flags: flags) }
        default:
            guard flags == 0 else { throw .invalidFixedHeaderFlags(packetType: type.rawValue, flags: flags) }
        }
    }

    /// The typed packet of a body whose fixed header passed `validateFixedHeader`.
    static func decodeBody(_ header: MQTTFixedHeader, _ body: ArraySlice<UInt8>) throws(MQTTProtocolError) -> MQTTPacket {
        var reader = MQTTByteReader(body)
        let packet: MQTTPacket
        switch header.type {
        case .connect:
            packet = .connect(try decodeConnect(&reader))
        case .connack:
            let acknowledgeFlags = try reader.readByte("CONNACK")
            guard acknowledgeFlags & 0xFE == 0 else { throw .invalidConnack("reserved flags \(acknowledgeFlags)") }
            packet = .connack(sessionPresent: acknowledgeFlags == 1, returnCode: try reader.readByte("CONNACK"))
        case .publish:
            packet = try decodePublish(flags: header.flags, &reader)
        case .puback:
            packet = .puback(packetID: try readPacketID(&reader, "PUBACK"))
        case .subscribe:
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
        case .suback:
            let packetID = try readPacketID(&reader, "SUBACK")
            let returnCodes = reader.readRest()
            guard !returnCodes.isEmpty else { throw .invalidSuback("no return code") }
            for code in returnCodes where !MQTTPacket.isValidSubackReturnCode(code) {
                throw .invalidSuback("return code \(code)")
            }
            packet = .suback(packetID: packetID, returnCodes: returnCodes)
        case .pingreq: packet = .pingreq
        case .pingresp: packet = .pingresp
        case .disconnect: packet = .disconnect
        case .pubrec, .pubrel, .pubcomp, .unsubscribe, .unsuback:
            throw .unsupportedPacketType(header.type.rawValue)  // unreachable: refused in validateFixedHeader
        }
        guard reader.isAtEnd else { throw .trailingBytes("packet type \(header.type.rawValue)") }
        return packet
    }

    static func readPacketID(_ reader: inout MQTTByteReader, _ what: String) throws(MQTTProtocolError)
        -> UInt16
    {
        let packetID = try reader.readUInt16("\(what) packet identifier")
        guard packetID != 0 else { throw .invalidPacketID }
        return packetID
    }

    static func decodePublish(flags: UInt8, _ reader: inout MQTTByteReader) throws(MQTTProtocolError) -> MQTTPacket {
        let qosBits = (flags >> 1) & 0x03
        guard let qos = MQTTQoS(rawValue: Int32(qosBits)) else { throw .invalidQoS(qosBits) }
        let topic = try reader.readString("PUBLISH topic")
        try MQTTPacket.validatePublishTopic(topic)
        let packetID = qos == .atMostOnce ? nil : try readPacketID(&reader, "PUBLISH")
        let message = MQTTMessage(topic: topic, payload: reader.readRest(), qos: qos, retain: flags & 0x01 != 0)
        return .publish(message, packetID: packetID, isDuplicate: flags & 0x08 != 0)
    }

    private static func decodeConnect(_ reader: inout MQTTByteReader) throws(MQTTProtocolError) -> MQTTConnect {
        let protocolName = try reader.readString("CONNECT protocol name")
        guard let expectedLevel = MQTTConnect.protocolLevel(named: protocolName) else {
            throw .invalidConnect("protocol name is not MQTT (3.1.1) or MQIsdp (3.1)")
        }
        let level = try reader.readByte("CONNECT protocol level")
        guard level == expectedLevel else { throw .invalidConnect("protocol level \(level)") }
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
            will: will, username: username, password: password, protocolLevel: level)
    }
}
