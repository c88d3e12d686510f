/// Prints a finite Double the way serde_json (ryu) does: shortest round-trip digits, `.0` on
/// integral values, plain notation for decimal exponents from -5 to 16, else `1e16` / `1.5e-7`.
public enum JSONNumberFormatter {
    public static func format(_ value: Double) -> String {
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description is shortest round-trip too; take its digits and exponent, re-lay them out.
        let (negative, digits, exponent) = decompose(value)
        let length = digits.count
        let point = exponent + length  // where the decimal point sits relative to the digits
        var text: String
        if 0 <= exponent && point <= 16 {
            text = digits + String(repeating: "0", count: exponent) + ".0"
        } else if 0 < point && point <= 16 {
            let index = digits.index(digits.startIndex, offsetBy: point)
            text = String(digits[..<index]) + "." + String(digits[index...])
        } else if -5 < point && point <= 0 {
            text = "0." + String(repeating: "0", count: -point) + digits
        } else if length == 1 {
            text = digits + "e" + String(point - 1)
        } else {
            text = String(digits.prefix(1)) + "." + String(digits.dropFirst()) + "e" + String(point - 1)
        }
        return negative ? "-" + text : text
    }

    /// Significant digits (no leading or trailing zeros) and the power of ten of the last digit.
    static func decompose(_ value: Double) -> (negative: Bool, digits: String, exponent: Int) {
        var text = Substring(value.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var digits = ""
        if let dot = text.firstIndex(of: ".") {
            let fraction = text[text.index(after: dot)...]
            digits = String(text[..<dot]) + fraction
            exponent -= fraction.count
        } else {
            digits = String(text)
        }
        while digits.count > 1 && digits.hasPrefix("0") { digits.removeFirst() }
        while digits.count > 1 && digits.hasSuffix("0") {
            digits.removeLast()
            exponent += 1
        }
        return (value.sign == .minus, digits, exponent)
    }
}
