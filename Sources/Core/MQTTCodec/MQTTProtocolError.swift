/// Why bytes on the wire (or a packet we were asked to send) are not valid MQTT 3.1.1 as this session speaks it.
/// Every violation is reported with one of these, never a trap: the peer controls the bytes.
public enum MQTTProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    case reservedPacketType(UInt8)
    /// A valid MQTT 3.1.1 packet this session does not speak (QoS 2 flow, UNSUBSCRIBE).
    case unsupportedPacketType(UInt8)
    case invalidFixedHeaderFlags(packetType: UInt8, flags: UInt8)
    case malformedRemainingLength
    case packetTooLarge(length: Int, limit: Int)
    case invalidQoS(UInt8)
    case truncated(String)
    case trailingBytes(String)
    case invalidString(String)
    case invalidTopic(String)
    case invalidPacketID
    case invalidConnect(String)
    case invalidConnack(String)
    case invalidSubscribe(String)
    case invalidSuback(String)
    case invalidUnsubscribe(String)

    public var description: String {
        switch self {
        case .reservedPacketType(let type): return "reserved packet type \(type)"
        case .unsupportedPacketType(let type): return "unsupported packet type \(type)"
        case .invalidFixedHeaderFlags(let type, let flags): return "invalid flags \(flags) for packet type \(type)"
        case .malformedRemainingLength: return "malformed remaining length (more than 4 bytes)"
        case .packetTooLarge(let length, let limit): return "packet of \(length) bytes exceeds the limit of \(limit)"
        case .invalidQoS(let qos): return "invalid QoS \(qos)"
        case .truncated(let what): return "truncated \(what)"
        case .trailingBytes(let what): return "unexpected bytes after \(what)"
        case .invalidString(let why): return "invalid string: \(why)"
        case .invalidTopic(let why): return "invalid topic: \(why)"
        case .invalidPacketID: return "packet identifier 0"
        case .invalidConnect(let why): return "invalid CONNECT: \(why)"
        case .invalidConnack(let why): return "invalid CONNACK: \(why)"
        case .invalidSubscribe(let why): return "invalid SUBSCRIBE: \(why)"
        case .invalidSuback(let why): return "invalid SUBACK: \(why)"
        case .invalidUnsubscribe(let why): return "invalid UNSUBSCRIBE: \(why)"
        }
    }
}
