/// The parts of an MQTT 3.1/3.1.1 CONNECT packet the simulator checks: client id and username.
struct MQTTConnectPacket: Equatable {
    let clientID: String
    let username: String?
    /// Length of the whole packet, fixed header included.
    let length: Int

    enum ParseResult: Equatable {
        case complete(MQTTConnectPacket)
        case needMoreBytes
        case invalid(String)
    }

    static func parse(_ bytes: [UInt8]) -> ParseResult {
        guard let first = bytes.first else { return .needMoreBytes }
        guard first == 0x10 else { return .invalid("the first packet is not CONNECT") }
        var remaining = 0
        var multiplier = 1
        var index = 1
        while true {
            guard index < bytes.count else { return .needMoreBytes }
            let byte = bytes[index]
            remaining += Int(byte & 0x7F) * multiplier
            index += 1
            if byte & 0x80 == 0 { break }
            multiplier *= 128
            if multiplier > 128 * 128 * 128 { return .invalid("malformed remaining length") }
        }
        let total = index + remaining
        guard bytes.count >= total else { return .needMoreBytes }
        var reader = Reader(bytes: Array(bytes[index..<total]))
        guard let protocolName = reader.string(), protocolName == "MQTT" || protocolName == "MQIsdp",
              let level = reader.byte(), level == 3 || level == 4,
              let flags = reader.byte(), reader.skip(2),
              let clientID = reader.string()
        else { return .invalid("unsupported or malformed CONNECT (MQTT 3.1.1 expected)") }
        if flags & 0x04 != 0 {
            guard reader.string() != nil, reader.binary() != nil else { return .invalid("malformed will in CONNECT") }
        }
        var username: String?
        if flags & 0x80 != 0 {
            guard let name = reader.string() else { return .invalid("malformed username in CONNECT") }
            username = name
        }
        return .complete(MQTTConnectPacket(clientID: clientID, username: username, length: total))
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func skip(_ count: Int) -> Bool {
            guard offset + count <= bytes.count else { return false }
            offset += count
            return true
        }

        mutating func binary() -> [UInt8]? {
            guard offset + 2 <= bytes.count else { return nil }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard offset + 2 + length <= bytes.count else { return nil }
            defer { offset += 2 + length }
            return Array(bytes[(offset + 2)..<(offset + 2 + length)])
        }

        mutating func string() -> String? { binary().flatMap { String(validating: $0, as: UTF8.self) } }
    }
}
