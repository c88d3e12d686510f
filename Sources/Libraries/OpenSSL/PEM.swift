/// Minimal PEM framing: enough to find the blocks of a given label and get their DER bytes.
public enum PEM {
    public static func firstBlock(label: String, in text: String) -> [UInt8]? {
        blocks(label: label, in: text).first
    }

    /// Every block of that label, in order (a CA bundle holds many); undecodable ones come back empty.
    public static func blocks(label: String, in text: String) -> [[UInt8]] {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        var rest = text[...]
        var found: [[UInt8]] = []
        while let start = range(of: begin, in: rest), let stop = range(of: end, in: rest[start.upperBound...]) {
            let body = rest[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
            found.append(Base64.decode(String(body)) ?? [])
            rest = rest[stop.upperBound...]
        }
        return found
    }

    /// The first occurrence of `needle` (stdlib only: the mapper links this module without string processing).
    static func range(of needle: String, in text: Substring) -> Range<Substring.Index>? {
        var index = text.startIndex
        while index < text.endIndex {
            if text[index...].hasPrefix(needle) { return index..<text.index(index, offsetBy: needle.count) }
            index = text.index(after: index)
        }
        return nil
    }

    public static func encode(label: String, der: [UInt8]) -> String {
        let base64 = Base64.encode(der)
        var lines: [String] = ["-----BEGIN \(label)-----"]
        var index = base64.startIndex
        while index < base64.endIndex {
            let next = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<next]))
            index = next
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
