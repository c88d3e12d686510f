/// IoT Hub's message properties as they travel in a topic: `$.ct=application%2Fjson&$.ce=utf-8&k=v`,
/// each key and value URL-encoded. Also reads the query of an Azure username or `?$rid=…`.
public enum MessageProperties {
    public static func parse(_ text: String) -> [String: String] {
        var properties: [String: String] = [:]
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(String(parts[0]))
            guard !key.isEmpty else { continue }
            properties[key] = parts.count > 1 ? decode(String(parts[1])) : ""
        }
        return properties
    }

    /// The properties of an events or devicebound topic: what follows `messages/events/`.
    public static func ofTopic(_ topic: String) -> [String: String] {
        for marker in ["/messages/events/", "/messages/devicebound/"] {
            if let range = topic.range(of: marker) { return parse(String(topic[range.upperBound...])) }
        }
        return [:]
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
            let scalar = Unicode.Scalar(byte)
            if (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || (byte >= 0x30 && byte <= 0x39) || "-._~".utf8.contains(byte)
            {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded()
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

private extension String {
    func leftPadded() -> String { count < 2 ? "0" + self : self }
}
