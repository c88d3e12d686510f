/// An UNSUBSCRIBE (§3.10). The mapper's session never sends one, so `MQTTPacket` has no case for it; a
/// server reads its filters (the simulator's per-device topic rules) and answers with `acknowledgement`.
public struct MQTTUnsubscribe: Equatable, Sendable {
    public var packetID: UInt16
    public var filters: [String]

    public init(packetID: UInt16, filters: [String]) {
        self.packetID = packetID
        self.filters = filters
    }

    /// Decodes an UNSUBSCRIBE frame as strictly as `MQTTPacketDecoder` decodes a SUBSCRIBE.
    public init(_ frame: MQTTFrame) throws(MQTTProtocolError) {
        guard frame.type == .unsubscribe else { throw .invalidUnsubscribe("packet type \(frame.type.rawValue)") }
        try MQTTPacketDecoder.validateFlags(frame.flags, of: .unsubscribe)
        var reader = MQTTByteReader(frame.body)
        packetID = try MQTTPacketDecoder.readPacketID(&reader, "UNSUBSCRIBE")
        filters = []
        repeat {
            let filter = try reader.readString("UNSUBSCRIBE topic filter")
            guard !filter.isEmpty else { throw .invalidUnsubscribe("empty topic filter") }
            filters.append(filter)
        } while !reader.isAtEnd
    }

    /// The packet's bytes; throws for what cannot be on the wire (packet id 0, no filter, an empty or
    /// overlong one).
    public func encoded() throws(MQTTProtocolError) -> [UInt8] {
        guard packetID != 0 else { throw .invalidPacketID }
        guard !filters.isEmpty else { throw .invalidUnsubscribe("no topic filter") }
        var body: [UInt8] = []
        MQTTPacket.writeUInt16(packetID, into: &body)
        for filter in filters {
            guard !filter.isEmpty else { throw .invalidUnsubscribe("empty topic filter") }
            _ = try MQTTPacket.stringLength(filter)
            MQTTPacket.writeString(filter, into: &body)
        }
        guard body.count <= MQTTFixedHeader.maximumRemainingLength else {
            throw .packetTooLarge(length: body.count, limit: MQTTFixedHeader.maximumRemainingLength)
        }
        return MQTTUnsubscribe.frame(.unsubscribe, flags: 0x02, body: body)
    }

    /// The UNSUBACK that answers it (§3.11).
    public var acknowledgement: [UInt8] {
        var body: [UInt8] = []
        MQTTPacket.writeUInt16(packetID, into: &body)
        return MQTTUnsubscribe.frame(.unsuback, flags: 0, body: body)
    }

    private static func frame(_ type: MQTTPacketType, flags: UInt8, body: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        MQTTFixedHeader(type: type, flags: flags, remainingLength: body.count).encode(into: &bytes)
        return bytes + body
    }
}
