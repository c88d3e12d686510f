/// One MQTT 3.1/3.1.1 control packet, framed and decoded: the simulator's only MQTT parser. It reads
/// bytes from devices, so it checks every length against what is there and never traps; anything
/// malformed is `.invalid` and the connection is closed.
struct MQTTPacket: Equatable {
    enum Kind: UInt8 {
        case connect = 1, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback
        case unsubscribe, unsuback, pingreq, pingresp, disconnect
    }

    let kind: Kind
    /// The low nibble of the first byte (PUBLISH: DUP, QoS, RETAIN).
    let flags: UInt8
    let body: [UInt8]

    /// Larger packets are refused: IoT Hub's own limit is 256 KiB, and a device must not make the
    /// simulator buffer without bound.
    static let maximumBodyLength = 4 << 20

    enum ParseResult: Equatable {
        /// The packet and the index just past it.
        case complete(MQTTPacket, end: Int)
        case needMoreBytes
        case invalid(String)
    }

    init(kind: Kind, flags: UInt8, body: [UInt8]) {
        self.kind = kind
        self.flags = flags
        self.body = body
    }

    /// Frames the packet that starts at `start` in `bytes`.
    static func parse(_ bytes: [UInt8], from start: Int = 0) -> ParseResult {
        guard start < bytes.count else { return .needMoreBytes }
        guard let kind = Kind(rawValue: bytes[start] >> 4) else { return .invalid("reserved packet type \(bytes[start] >> 4)") }
        var length = 0
        var shift = 0
        var index = start + 1
        while true {
            guard index < bytes.count else { return .needMoreBytes }
            let byte = bytes[index]
            index += 1
            length |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            if shift > 21 { return .invalid("malformed remaining length") }
        }
        guard length <= maximumBodyLength else { return .invalid("packet of \(length) bytes is too large") }
        guard bytes.count - index >= length else { return .needMoreBytes }
        let packet = MQTTPacket(kind: kind, flags: bytes[start] & 0x0F, body: Array(bytes[index..<(index + length)]))
        return .complete(packet, end: index + length)
    }

    /// The packet as bytes on the wire.
    var encoded: [UInt8] {
        var bytes: [UInt8] = [kind.rawValue << 4 | flags]
        var remaining = body.count
        repeat {
            var byte = UInt8(remaining & 0x7F)
            remaining >>= 7
            if remaining > 0 { byte |= 0x80 }
            bytes.append(byte)
        } while remaining > 0
        return bytes + body
    }

    // MARK: CONNECT

    /// Client id and username of a CONNECT, or why it cannot be read.
    func connect() -> Result<MQTTConnectPacket, Invalid> {
        guard kind == .connect else { return .failure(Invalid("the first packet is not CONNECT")) }
        var reader = Reader(bytes: body)
        guard let protocolName = reader.string(), protocolName == "MQTT" || protocolName == "MQIsdp",
            let level = reader.byte(), level == 3 || level == 4,
            let flags = reader.byte(), reader.skip(2),
            let clientID = reader.string()
        else { return .failure(Invalid("unsupported or malformed CONNECT (MQTT 3.1.1 expected)")) }
        if flags & 0x04 != 0 {
            guard reader.string() != nil, reader.binary() != nil else { return .failure(Invalid("malformed will in CONNECT")) }
        }
        var username: String?
        if flags & 0x80 != 0 {
            guard let name = reader.string() else { return .failure(Invalid("malformed username in CONNECT")) }
            username = name
        }
        return .success(MQTTConnectPacket(clientID: clientID, username: username))
    }

    struct Invalid: Error, Equatable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    // MARK: topics of PUBLISH, SUBSCRIBE and UNSUBSCRIBE

    /// The topic of a PUBLISH.
    func publishTopic() -> Result<String, Invalid> {
        guard kind == .publish else { return .failure(Invalid("not a PUBLISH")) }
        var reader = Reader(bytes: body)
        guard let topic = reader.string() else { return .failure(Invalid("malformed PUBLISH topic")) }
        if flags & 0x06 != 0 { guard reader.skip(2) else { return .failure(Invalid("PUBLISH without packet id")) } }
        return .success(topic)
    }

    /// The payload of a PUBLISH (what follows the topic and, at QoS 1 and 2, the packet id).
    func publishPayload() -> Result<[UInt8], Invalid> {
        publishTopic().map { topic in Array(body.dropFirst(2 + topic.utf8.count + (flags & 0x06 != 0 ? 2 : 0))) }
    }

    /// The packet id of a PUBLISH at QoS 1 or 2, or of a SUBSCRIBE / UNSUBSCRIBE; nil when it has none.
    func packetIdentifier() -> UInt16? {
        var offset = 0
        switch kind {
        case .publish:
            guard flags & 0x06 != 0, case .success(let topic) = publishTopic() else { return nil }
            offset = 2 + topic.utf8.count
        case .subscribe, .unsubscribe:
            offset = 0
        default:
            return nil
        }
        guard body.count >= offset + 2 else { return nil }
        return UInt16(body[offset]) << 8 | UInt16(body[offset + 1])
    }

    /// A QoS 0 PUBLISH, as a service answers a device.
    static func publish(topic: String, payload: [UInt8]) -> MQTTPacket {
        MQTTPacket(kind: .publish, flags: 0, body: Reader.encode(topic) + payload)
    }

    static func acknowledgement(_ kind: Kind, of packetID: UInt16, grants: [UInt8] = []) -> MQTTPacket {
        MQTTPacket(kind: kind, flags: 0, body: [UInt8(packetID >> 8), UInt8(packetID & 0xFF)] + grants)
    }

    /// The same PUBLISH on another topic.
    func withPublishTopic(_ topic: String) -> MQTTPacket {
        guard case .success(let old) = publishTopic() else { return self }
        let rest = body[(2 + old.utf8.count)...]
        return MQTTPacket(kind: kind, flags: flags, body: Reader.encode(topic) + rest)
    }

    /// The topic filters of a SUBSCRIBE or UNSUBSCRIBE.
    func filters() -> Result<[String], Invalid> {
        guard kind == .subscribe || kind == .unsubscribe else { return .failure(Invalid("not a SUBSCRIBE")) }
        var reader = Reader(bytes: body)
        guard reader.skip(2) else { return .failure(Invalid("\(kind) without packet id")) }
        var filters: [String] = []
        while !reader.atEnd {
            guard let filter = reader.string() else { return .failure(Invalid("malformed topic filter in \(kind)")) }
            if kind == .subscribe { guard reader.skip(1) else { return .failure(Invalid("SUBSCRIBE filter without QoS")) } }
            filters.append(filter)
        }
        guard !filters.isEmpty else { return .failure(Invalid("\(kind) without topic filters")) }
        return .success(filters)
    }

    /// The same SUBSCRIBE or UNSUBSCRIBE with each filter replaced.
    func withFilters(_ transform: (String) -> String) -> MQTTPacket {
        guard case .success(let filters) = self.filters() else { return self }
        var reader = Reader(bytes: body)
        var rebuilt = Array(body.prefix(2))
        _ = reader.skip(2)
        for filter in filters {
            _ = reader.string()
            rebuilt += Reader.encode(transform(filter))
            if kind == .subscribe, let qos = reader.byte() { rebuilt.append(qos) }
        }
        return MQTTPacket(kind: kind, flags: flags, body: rebuilt)
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset >= bytes.count }

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func skip(_ count: Int) -> Bool {
            guard count <= bytes.count - offset else { return false }
            offset += count
            return true
        }

        mutating func binary() -> [UInt8]? {
            guard bytes.count - offset >= 2 else { return nil }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard bytes.count - offset - 2 >= length else { return nil }
            defer { offset += 2 + length }
            return Array(bytes[(offset + 2)..<(offset + 2 + length)])
        }

        mutating func string() -> String? { binary().flatMap { String(validating: $0, as: UTF8.self) } }

        static func encode(_ text: String) -> [UInt8] {
            let utf8 = Array(text.utf8.prefix(65_535))
            return [UInt8(utf8.count >> 8), UInt8(utf8.count & 0xFF)] + utf8
        }
    }
}
