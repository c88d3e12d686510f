/// CRC-32 (IEEE 802.3, zlib's) of a message's topic and payload, stored with every row. SQLite checks a
/// file's structure, not its contents: a salvage uses the checksum to refuse rows whose bytes were damaged
/// (an overflow page overwritten, say) rather than send them to the cloud.
enum MessageChecksum {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func of(topic: String, payload: [UInt8]) -> Int64 {
        var crc: UInt32 = 0xFFFF_FFFF
        func feed(_ byte: UInt8) { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        for byte in topic.utf8 { feed(byte) }
        // A separator, so ("a/b", "c") and ("a/", "bc") differ.
        feed(0)
        for byte in payload { feed(byte) }
        return Int64(crc ^ 0xFFFF_FFFF)
    }
}
