/// Prints a finite Double the way serde_json (ryu) does: shortest round-trip digits, `.0` on
/// integral values, plain notation for decimal exponents from -5 to 16, else `1e16` / `1.5e-7`.
public enum JSONNumberFormatter {
    public static func format(_ value: Double) -> String {
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description is shortest round-trip too; take its digits and exponent, re-lay them out. Bytes, not
        // Strings: this runs for every number a mapper writes.
        let (digits, exponent) = significantDigits(of: value.magnitude)
        let length = digits.count
        let point = exponent + length  // where the decimal point sits relative to the digits
        var text: [UInt8] = []
        text.reserveCapacity(length + 26)
        if value.sign == .minus { text.append(UInt8(ascii: "-")) }
        if 0 <= exponent && point <= 16 {
            text += digits
            text += repeatElement(UInt8(ascii: "0"), count: exponent)
            text += [UInt8(ascii: "."), UInt8(ascii: "0")]
        } else if 0 < point && point <= 16 {
            text += digits[..<point]
            text.append(UInt8(ascii: "."))
            text += digits[point...]
        } else if -5 < point && point <= 0 {
            text += [UInt8(ascii: "0"), UInt8(ascii: ".")]
            text += repeatElement(UInt8(ascii: "0"), count: -point)
            text += digits
        } else {
            text.append(digits[0])
            if length > 1 {
                text.append(UInt8(ascii: "."))
                text += digits[1...]
            }
            text.append(UInt8(ascii: "e"))
            text += String(point - 1).utf8
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Significant digits (no leading or trailing zeros, at least one digit) and the power of ten of the last one.
    static func significantDigits(of magnitude: Double) -> (digits: [UInt8], exponent: Int) {
        var digits: [UInt8] = []
        digits.reserveCapacity(24)
        var fractionDigits = 0
        var inFraction = false
        var inExponent = false
        var exponentSign = 1
        var exponentValue = 0
        for byte in magnitude.description.utf8 {
            if inExponent {
                switch byte {
                case UInt8(ascii: "-"): exponentSign = -1
                case UInt8(ascii: "+"): break
                default: exponentValue = exponentValue * 10 + Int(byte &- UInt8(ascii: "0"))
                }
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                inExponent = true
            } else if byte == UInt8(ascii: ".") {
                inFraction = true
            } else {
                digits.append(byte)
                if inFraction { fractionDigits += 1 }
            }
        }
        var exponent = exponentSign * exponentValue - fractionDigits
        var first = 0
        while digits.count - first > 1 && digits[first] == UInt8(ascii: "0") { first += 1 }
        var end = digits.count
        while end - first > 1 && digits[end - 1] == UInt8(ascii: "0") {
            end -= 1
            exponent += 1
        }
        return (Array(digits[first..<end]), exponent)
    }
}
