/// Control characters (newline, carriage return, tab, escape, DEL, C1 …) have no place in a config
/// value: one newline in a path would add a line of its own to a mosquitto or systemd file.
public enum ControlCharacters {
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    public static func first(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first(where: isControl)
    }

    /// `text` with every control character shown as `\u{…}`, safe to print on a terminal.
    public static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Throws when `text` holds a control character; `what` names the value in the message.
    public static func refuse(in text: String, what: String) throws(TedgeError) {
        guard let scalar = first(in: text) else { return }
        let code =
            "U+" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
            + String(scalar.value, radix: 16, uppercase: true)
        throw TedgeError("\(what) must not contain control characters (found \(code)).")
    }
}
