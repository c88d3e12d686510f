/// TOML values: strings, integers, booleans and arrays (all that tedge.toml holds), and the floats and
/// tables that only full files (`TOMLTable`) hold.
public indirect enum TOMLValue: Equatable, Sendable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case array([TOMLValue])
    case float(Double)
    case table(TOMLTable)

    /// The value as `tedge config get` prints it.
    public var description: String {
        switch self {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .boolean(let flag): return flag ? "true" : "false"
        case .array(let items): return items.map(\.description).joined(separator: ",")
        case .float, .table: return tomlText
        }
    }

    /// The value as TOML source.
    public var tomlText: String {
        switch self {
        case .string(let text): return TOMLValue.quote(text)
        case .integer, .boolean: return description
        case .array(let items): return "[" + items.map(\.tomlText).joined(separator: ", ") + "]"
        case .float(let number):
            if number.isNaN { return "nan" }
            if number.isInfinite { return number < 0 ? "-inf" : "inf" }
            return "\(number)"
        case .table(let table):
            let fields = table.entries.map { "\(TOMLDocument.keyText($0.key)) = \($0.value.tomlText)" }
            return fields.isEmpty ? "{}" : "{ " + fields.joined(separator: ", ") + " }"
        }
    }

    public var stringArray: [String]? {
        guard case .array(let items) = self else { return nil }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else { return nil }
            strings.append(text)
        }
        return strings
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
