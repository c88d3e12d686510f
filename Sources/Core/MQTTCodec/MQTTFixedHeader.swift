/// The fixed header every MQTT control packet starts with (§2.2): the packet type and its flags in one
/// byte, then the remaining length (the body's) in one to four bytes of seven bits each.
public struct MQTTFixedHeader: Equatable, Sendable {
    public let type: MQTTPacketType
    /// The low nibble of the first byte (PUBLISH: DUP, QoS, RETAIN; fixed values for the others).
    public let flags: UInt8
    /// The length of the body: variable header and payload.
    public let remainingLength: Int
    /// The length of the fixed header itself: 2 to 5 bytes.
    public let byteCount: Int

    /// The largest remaining length four length bytes can express.
    public static let maximumRemainingLength = 268_435_455

    public var firstByte: UInt8 { type.rawValue << 4 | flags }
    /// The whole packet's length: fixed header and body.
    public var packetLength: Int { byteCount + remainingLength }

    /// A header to encode. `remainingLength` must be at most `maximumRemainingLength`.
    public init(type: MQTTPacketType, flags: UInt8, remainingLength: Int) {
        precondition(flags <= 0x0F && (0...MQTTFixedHeader.maximumRemainingLength).contains(remainingLength))
        var byteCount = 2
        var rest = remainingLength >> 7
        while rest > 0 {
            byteCount += 1
            rest >>= 7
        }
        self.init(type: type, flags: flags, remainingLength: remainingLength, byteCount: byteCount)
    }

    private init(type: MQTTPacketType, flags: UInt8, remainingLength: Int, byteCount: Int) {
        self.type = type
        self.flags = flags
        self.remainingLength = remainingLength
        self.byteCount = byteCount
    }

    /// Reads the fixed header at the start of `bytes`: nil while it is incomplete. Throws for a reserved
    /// packet type (known from the first byte alone) and for a remaining length longer than four bytes.
    public static func read(_ bytes: ArraySlice<UInt8>) throws(MQTTProtocolError) -> MQTTFixedHeader? {
        guard let firstByte = bytes.first else { return nil }
        guard let type = MQTTPacketType(rawValue: firstByte >> 4) else { throw .reservedPacketType(firstByte >> 4) }
        var remainingLength = 0
        var index = bytes.startIndex + 1
        var shift = 0
        while true {
            guard index < bytes.endIndex else { return nil }
            let digit = bytes[index]
            index += 1
            remainingLength |= Int(digit & 0x7F) << shift
            if digit & 0x80 == 0 { break }
            shift += 7
            guard shift < 28 else { throw .malformedRemainingLength }
        }
        return MQTTFixedHeader(
            type: type, flags: firstByte & 0x0F, remainingLength: remainingLength, byteCount: index - bytes.startIndex)
    }

    /// Appends the header's bytes.
    public func encode(into buffer: inout [UInt8]) {
        buffer.append(firstByte)
        var remaining = remainingLength
        repeat {
            var digit = UInt8(remaining & 0x7F)
            remaining >>= 7
            if remaining > 0 { digit |= 0x80 }
            buffer.append(digit)
        } while remaining > 0
    }
}
