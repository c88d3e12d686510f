/// Compact JSON output with serde_json's string escaping, for the mappers' messages.
public struct JSONWriter: Sendable {
    public private(set) var text = ""

    public init() { text.reserveCapacity(256) }

    public static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    public mutating func raw(_ fragment: String) { text += fragment }
    public mutating func string(_ value: String) { text += Self.quoted(value) }
    public mutating func number(_ value: Double) { text += JSONNumberFormatter.format(value) }
}
