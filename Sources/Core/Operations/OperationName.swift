/// The name of a handler file, taken from the cloud (a method name, a desired property's key): it must name a file
/// inside the handler directory and nothing else. Allowed: 1 to 128 bytes of ASCII letters, digits, `_`, `-` and
/// `.`, not starting with `.` (so never `.`, `..` or a hidden file). Everything else is refused: `/`, NUL, spaces,
/// shell metacharacters, any other byte. A whitelist, not a blacklist.
public enum OperationName {
    public static let maximumBytes = 128

    /// nil when `name` may name a handler; otherwise why not, in words safe to send back.
    public static func refusal(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { return "the name is empty" }
        guard bytes.count <= maximumBytes else { return "the name is longer than \(maximumBytes) bytes" }
        guard bytes[0] != UInt8(ascii: ".") else { return "the name starts with '.'" }
        guard bytes.allSatisfy(isAllowed) else {
            return "the name may only hold letters, digits, '_', '-' and '.'"
        }
        return nil
    }

    public static func isValid(_ name: String) -> Bool { refusal(name) == nil }

    /// At most 128 bytes of the name, control characters shown escaped: for log lines and answers.
    public static func shown(_ name: String) -> String {
        var text = ""
        for scalar in name.unicodeScalars.prefix(maximumBytes) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return name.unicodeScalars.count > maximumBytes ? text + "…" : text
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}
