/// Reads the fields of one packet's body, failing (never trapping) when the body is too short.
struct MQTTByteReader {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    var isAtEnd: Bool { position == bytes.endIndex }
    var remainingCount: Int { bytes.endIndex - position }

    mutating func readByte(_ what: String) throws(MQTTProtocolError) -> UInt8 {
        guard position < bytes.endIndex else { throw .truncated(what) }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readUInt16(_ what: String) throws(MQTTProtocolError) -> UInt16 {
        let high = try readByte(what)
        let low = try readByte(what)
        return UInt16(high) << 8 | UInt16(low)
    }

    mutating func readBinary(_ what: String) throws(MQTTProtocolError) -> [UInt8] {
        let count = Int(try readUInt16(what))
        guard count <= remainingCount else { throw .truncated(what) }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// A UTF-8 string field: valid UTF-8 and no NUL (MQTT 3.1.1 §1.5.3).
    mutating func readString(_ what: String) throws(MQTTProtocolError) -> String {
        let count = Int(try readUInt16(what))
        guard count <= remainingCount else { throw .truncated(what) }
        let field = bytes[position..<position + count]
        position += count
        guard !field.contains(0) else { throw .invalidString("\(what) contains NUL") }
        guard let string = String(validating: field, as: UTF8.self) else {
            throw .invalidString("\(what) is not valid UTF-8")
        }
        return string
    }

    mutating func readRest() -> [UInt8] {
        defer { position = bytes.endIndex }
        return Array(bytes[position...])
    }
}
