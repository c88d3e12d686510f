import TedgeThinEdgeJSON

/// The words thin-edge's Rust parsers (serde_json, `str::from_utf8`) use for bad payloads, so that the errors the
/// `te/` mappings publish read like thin-edge's (a twin value's `expected value at line 1 column 1`). Where jansson
/// knows more than serde says, jansson's reason is kept.
public enum SerdeText {
    /// A string as Rust's `{:?}` prints it.
    public static func quoted(_ text: String) -> String { text.debugQuoted }

    /// How serde names a value it did not expect (`integer \`5\``, `string "x"`).
    public static func unexpected(_ value: JSONValue) -> String { JSONText.unexpected(value) }

    /// The JSON document, or why it is none: serde's `EOF while parsing a value` and `expected value` (with
    /// line and 1-based column) where the payload does not even start a value, jansson's reason otherwise.
    public static func parse(_ payload: [UInt8]) -> Result<JSONValue, ConversionError> {
        switch JSONText.parse(payload) {
        case .success(let value): return .success(value)
        case .failure(let error):
            var line = 1
            var column = 0
            for byte in payload {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    column += 1
                case UInt8(ascii: "\n"):
                    line += 1
                    column = 0
                case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "-"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    let reason = error.description
                    let prefix = "Invalid JSON: "
                    return .failure(ConversionError(reason.hasPrefix(prefix) ? String(reason.dropFirst(prefix.count)) : reason))
                default:
                    return .failure(ConversionError("expected value at line \(line) column \(column + 1)"))
                }
            }
            return .failure(ConversionError("EOF while parsing a value at line \(line) column \(column)"))
        }
    }

    /// The members of a JSON object; `expected` names it in serde's "invalid type" error (`ThinEdge JSON`).
    public static func object(_ payload: [UInt8], expected: String) -> Result<[(key: String, value: JSONValue)], ConversionError> {
        switch parse(payload) {
        case .failure(let error): return .failure(error)
        case .success(.object(let members)): return .success(members)
        case .success(let other): return .failure(ConversionError("invalid type: \(unexpected(other)), expected \(expected)"))
        }
    }

    /// Rust's `Utf8Error` text for a payload that is not UTF-8, nil when it is.
    public static func utf8Error(_ payload: [UInt8]) -> String? {
        var index = 0
        while index < payload.count {
            let lead = payload[index]
            let width: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0x00...0x7F:
                index += 1
                continue
            case 0xC2...0xDF: width = 2
            case 0xE0:
                width = 3
                secondRange = 0xA0...0xBF
            case 0xED:
                width = 3
                secondRange = 0x80...0x9F
            case 0xE1...0xEF: width = 3
            case 0xF0:
                width = 4
                secondRange = 0x90...0xBF
            case 0xF4:
                width = 4
                secondRange = 0x80...0x8F
            case 0xF1...0xF3: width = 4
            default: return "invalid utf-8 sequence of 1 bytes from index \(index)"
            }
            // The longest valid prefix of the sequence: its length is what Rust reports as invalid.
            var valid = 1
            while valid < width {
                guard index + valid < payload.count else { return "incomplete utf-8 byte sequence from index \(index)" }
                let range = valid == 1 ? secondRange : 0x80...0xBF
                guard range.contains(payload[index + valid]) else {
                    return "invalid utf-8 sequence of \(valid) bytes from index \(index)"
                }
                valid += 1
            }
            index += width
        }
        return nil
    }
}
