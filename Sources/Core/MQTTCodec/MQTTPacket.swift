import TedgeMessaging

/// The MQTT 3.1.1 control packets the mapper's session speaks. `encode` is the one place packets become bytes;
/// `MQTTPacketDecoder` (and `MQTTFrame.decode()`, the same code) the one place bytes become packets.
/// The simulator reads and answers with these too; UNSUBSCRIBE and UNSUBACK, which the session never sends,
/// are `MQTTUnsubscribe`.
public enum MQTTPacket: Equatable, Sendable {
    case connect(MQTTConnect)
    case connack(sessionPresent: Bool, returnCode: UInt8)
    /// `packetID` is nil exactly when the message's QoS is 0.
    case publish(MQTTMessage, packetID: UInt16?, isDuplicate: Bool)
    case puback(packetID: UInt16)
    case subscribe(packetID: UInt16, subscriptions: [MQTTSubscription])
    case suback(packetID: UInt16, returnCodes: [UInt8])
    case pingreq
    case pingresp
    case disconnect

    /// Appends this packet's bytes. Throws (appending nothing) when the packet cannot be valid on the wire,
    /// e.g. a converter's output topic with a wildcard: the caller decides what to do with it.
    public func encode(into buffer: inout [UInt8]) throws(MQTTProtocolError) {
        let length = try bodyLength()
        guard length <= MQTTFixedHeader.maximumRemainingLength else {
            throw .packetTooLarge(length: length, limit: MQTTFixedHeader.maximumRemainingLength)
        }
        MQTTFixedHeader(type: type, flags: flags, remainingLength: length).encode(into: &buffer)
        writeBody(into: &buffer)
    }

    /// This packet's bytes.
    public func encoded() throws(MQTTProtocolError) -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(into: &bytes)
        return bytes
    }

    private var type: MQTTPacketType {
        switch self {
        case .connect: return .connect
        case .connack: return .connack
        case .publish: return .publish
        case .puback: return .puback
        case .subscribe: return .subscribe
        case .suback: return .suback
        case .pingreq: return .pingreq
        case .pingresp: return .pingresp
        case .disconnect: return .disconnect
        }
    }

    /// The fixed header's flags (§2.2.2).
    private var flags: UInt8 {
        switch self {
        case .publish(let message, _, let isDuplicate):
            return (isDuplicate ? 0x08 : 0) | UInt8(message.qos.rawValue) << 1 | (message.retain ? 0x01 : 0)
        case .subscribe: return 0x02
        default: return 0
        }
    }

    /// Validates what the type system does not, and returns the remaining length.
    private func bodyLength() throws(MQTTProtocolError) -> Int {
        switch self {
        case .connect(let connect):
            guard let protocolName = connect.protocolName else {
                throw .invalidConnect("protocol level \(connect.protocolLevel)")
            }
            var length = 2 + protocolName.utf8.count + 4 + (try MQTTPacket.stringLength(connect.clientID))
            if let will = connect.will {
                try MQTTPacket.validatePublishTopic(will.topic)
                length += 2 + will.topic.utf8.count + (try MQTTPacket.binaryLength(will.payload))
            }
            if let username = connect.username { length += try MQTTPacket.stringLength(username) }
            if let password = connect.password {
                guard connect.username != nil else { throw .invalidConnect("password without user name") }
                length += try MQTTPacket.binaryLength(password)
            }
            return length
        case .connack(_, _): return 2
        case .publish(let message, let packetID, let isDuplicate):
            try MQTTPacket.validatePublishTopic(message.topic)
            switch (message.qos, packetID) {
            case (.atMostOnce, nil):
                if isDuplicate { throw .invalidFixedHeaderFlags(packetType: MQTTPacketType.publish.rawValue, flags: 0x08) }
            case (.atMostOnce, _), (_, nil): throw .invalidPacketID
            case (_, 0): throw .invalidPacketID
            default: break
            }
            return 2 + message.topic.utf8.count + (packetID == nil ? 0 : 2) + message.payload.count
        case .puback(let packetID):
            guard packetID != 0 else { throw .invalidPacketID }
            return 2
        case .subscribe(let packetID, let subscriptions):
            guard packetID != 0 else { throw .invalidPacketID }
            guard !subscriptions.isEmpty else { throw .invalidSubscribe("no topic filter") }
            var length = 2
            for subscription in subscriptions {
                guard !subscription.filter.isEmpty else { throw .invalidSubscribe("empty topic filter") }
                length += (try MQTTPacket.stringLength(subscription.filter)) + 1
            }
            return length
        case .suback(let packetID, let returnCodes):
            guard packetID != 0 else { throw .invalidPacketID }
            guard !returnCodes.isEmpty else { throw .invalidSuback("no return code") }
            for code in returnCodes where !MQTTPacket.isValidSubackReturnCode(code) {
                throw .invalidSuback("return code \(code)")
            }
            return 2 + returnCodes.count
        case .pingreq, .pingresp, .disconnect: return 0
        }
    }

    private func writeBody(into buffer: inout [UInt8]) {
        switch self {
        case .connect(let connect):
            MQTTPacket.writeString(connect.protocolName ?? "", into: &buffer)
            buffer.append(connect.protocolLevel)
            var flags: UInt8 = connect.cleanSession ? 0x02 : 0
            if let will = connect.will {
                flags |= 0x04 | UInt8(will.qos.rawValue) << 3 | (will.retain ? 0x20 : 0)
            }
            if connect.username != nil { flags |= 0x80 }
            if connect.password != nil { flags |= 0x40 }
            buffer.append(flags)
            MQTTPacket.writeUInt16(connect.keepAliveSeconds, into: &buffer)
            MQTTPacket.writeString(connect.clientID, into: &buffer)
            if let will = connect.will {
                MQTTPacket.writeString(will.topic, into: &buffer)
                MQTTPacket.writeBinary(will.payload, into: &buffer)
            }
            if let username = connect.username { MQTTPacket.writeString(username, into: &buffer) }
            if let password = connect.password { MQTTPacket.writeBinary(password, into: &buffer) }
        case .connack(let sessionPresent, let returnCode):
            buffer.append(sessionPresent ? 1 : 0)
            buffer.append(returnCode)
        case .publish(let message, let packetID, _):
            MQTTPacket.writeString(message.topic, into: &buffer)
            if let packetID { MQTTPacket.writeUInt16(packetID, into: &buffer) }
            buffer.append(contentsOf: message.payload)
        case .puback(let packetID):
            MQTTPacket.writeUInt16(packetID, into: &buffer)
        case .subscribe(let packetID, let subscriptions):
            MQTTPacket.writeUInt16(packetID, into: &buffer)
            for subscription in subscriptions {
                MQTTPacket.writeString(subscription.filter, into: &buffer)
                buffer.append(UInt8(subscription.qos.rawValue))
            }
        case .suback(let packetID, let returnCodes):
            MQTTPacket.writeUInt16(packetID, into: &buffer)
            buffer.append(contentsOf: returnCodes)
        case .pingreq, .pingresp, .disconnect: break
        }
    }

    static func isValidSubackReturnCode(_ code: UInt8) -> Bool { code <= 2 || code == 0x80 }

    /// A PUBLISH topic name: 1...65535 bytes, no NUL (§1.5.3), no wildcards (§3.3.2.1).
    static func validatePublishTopic(_ topic: String) throws(MQTTProtocolError) {
        let utf8 = topic.utf8
        guard !utf8.isEmpty else { throw .invalidTopic("empty") }
        guard utf8.count <= 65535 else { throw .invalidTopic("longer than 65535 bytes") }
        for byte in utf8 {
            switch byte {
            case 0: throw .invalidTopic("contains NUL")
            case UInt8(ascii: "+"), UInt8(ascii: "#"): throw .invalidTopic("contains a wildcard")
            default: continue
            }
        }
    }

    static func stringLength(_ string: String) throws(MQTTProtocolError) -> Int {
        let count = string.utf8.count
        guard count <= 65535 else { throw .invalidString("longer than 65535 bytes") }
        guard !string.utf8.contains(0) else { throw .invalidString("contains NUL") }
        return 2 + count
    }

    private static func binaryLength(_ bytes: [UInt8]) throws(MQTTProtocolError) -> Int {
        guard bytes.count <= 65535 else { throw .invalidString("binary data longer than 65535 bytes") }
        return 2 + bytes.count
    }

    static func writeUInt16(_ value: UInt16, into buffer: inout [UInt8]) {
        buffer.append(UInt8(value >> 8))
        buffer.append(UInt8(value & 0xFF))
    }

    static func writeString(_ string: String, into buffer: inout [UInt8]) {
        writeUInt16(UInt16(string.utf8.count), into: &buffer)
        buffer.append(contentsOf: string.utf8)
    }

    private static func writeBinary(_ bytes: [UInt8], into buffer: inout [UInt8]) {
        writeUInt16(UInt16(bytes.count), into: &buffer)
        buffer.append(contentsOf: bytes)
    }
}
