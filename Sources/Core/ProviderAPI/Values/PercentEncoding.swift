/// URL percent-encoding as the clouds put values in topics (Azure's property bags, `?$rid=…`): `k=v&k2=v2`, each key
/// and value encoded.
public enum PercentEncoding {
    /// The pairs of a query in order; keys and values decoded, pairs without a key dropped.
    public static func queryPairs(_ text: String) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(String(parts[0]))
            guard !key.isEmpty else { continue }
            pairs.append((key, parts.count > 1 ? decode(String(parts[1])) : ""))
        }
        return pairs
    }

    /// The first value of each key of a query.
    public static func query(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in queryPairs(text) where values[key] == nil { values[key] = value }
        return values
    }

    /// Percent-decoding; a malformed escape stays as it is, and bytes that are not UTF-8 are replaced.
    public static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), bytes.count - index >= 3,
                let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encoding of everything but unreserved characters, as IoT Hub writes properties.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || "-._~".utf8.contains(byte)
            {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let digits = String(byte, radix: 16, uppercase: true)
                out += (digits.count < 2 ? "%0" : "%") + digits
            }
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
