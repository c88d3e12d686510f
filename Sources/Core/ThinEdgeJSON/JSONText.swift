import TedgeJSON

/// General JSON for providers' converters (alarm and event payloads), parsed by jansson.
public typealias JSONValue = TedgeJSON.JSONValue

public enum JSONText {
    /// The document, or jansson's reason with line and column.
    public static func parse(_ bytes: [UInt8]) -> Result<JSONValue, ConversionError> {
        do { return .success(try JanssonParser.parse(bytes)) } catch {
            return .failure(ConversionError("Invalid JSON: \(error.reason) at line \(error.line) column \(error.column)"))
        }
    }

    /// Compact JSON text of a value, keys in order, numbers as serde prints them.
    public static func serialize(_ value: JSONValue) -> String {
        switch value {
        case .object(let members):
            return "{" + members.map { JSONWriter.quoted($0.key) + ":" + serialize($0.value) }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(serialize).joined(separator: ",") + "]"
        case .string(let text): return JSONWriter.quoted(text)
        case .integer(let number): return String(number)
        case .real(let number): return JSONNumberFormatter.format(number)
        case .boolean(let flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }
}
