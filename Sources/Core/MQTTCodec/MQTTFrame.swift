/// One whole MQTT control packet exactly as it was on the wire: its fixed header and its bytes, body
/// included. A relay forwards `bytes` unchanged and decodes only the packets it needs to look into,
/// so what a strict typed decode refuses (the QoS 2 flow, UNSUBSCRIBE) still passes byte for byte.
public struct MQTTFrame: Equatable, Sendable {
    public let header: MQTTFixedHeader
    /// The whole packet: fixed header, then body.
    public let bytes: [UInt8]

    init(header: MQTTFixedHeader, bytes: [UInt8]) {
        self.header = header
        self.bytes = bytes
    }

    public var type: MQTTPacketType { header.type }
    public var flags: UInt8 { header.flags }
    /// The variable header and payload.
    public var body: ArraySlice<UInt8> { bytes[header.byteCount...] }

    /// The packet, decoded as strictly as `MQTTPacketDecoder` decodes it (the mapper's session): throws
    /// for what that session does not speak (`unsupportedPacketType`) as for what is malformed.
    public func decode() throws(MQTTProtocolError) -> MQTTPacket {
        try MQTTPacketDecoder.validateFixedHeader(header.firstByte)
        return try MQTTPacketDecoder.decodeBody(header, body)
    }
}
