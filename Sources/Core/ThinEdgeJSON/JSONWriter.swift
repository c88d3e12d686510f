/// Compact JSON output with serde_json's string escaping, for the mappers' messages.
public struct JSONWriter: Sendable {
    public private(set) var text = ""

    public init() { text.reserveCapacity(256) }

    public static func quoted(_ string: String) -> String {
        quoted(string) { scalar in
            switch scalar {
            case "\u{08}": return "\\b"
            case "\u{0C}": return "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: return nil
            }
        }
    }

    /// `string` in double quotes with `"`, `\`, newline, carriage return and tab escaped as JSON and Rust both do;
    /// any other scalar as `escape` spells it (nil: as it is). serde_json and Rust's `{:?}` differ only there.
    public static func quoted(_ string: String, escaping escape: (Unicode.Scalar) -> String?) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if let escaped = escape(scalar) { out += escaped } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    public mutating func raw(_ fragment: String) { text += fragment }
    public mutating func string(_ value: String) { text += Self.quoted(value) }
    public mutating func number(_ value: Double) { text += JSONNumberFormatter.format(value) }
}
