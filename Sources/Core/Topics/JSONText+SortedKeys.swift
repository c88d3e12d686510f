import TedgeThinEdgeJSON

extension JSONText {
    /// Compact JSON with every object's keys in byte order, as thin-edge's serde_json maps print them
    /// (registration messages, re-serialised telemetry).
    public static func serializeSortingKeys(_ value: JSONValue) -> String {
        switch value {
        case .object(let members):
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            return "{" + sorted.map { JSONWriter.quoted($0.key) + ":" + serializeSortingKeys($0.value) }.joined(separator: ",") + "}"
        case .array(let items):
            return "[" + items.map(serializeSortingKeys).joined(separator: ",") + "]"
        default:
            return serialize(value)
        }
    }

    /// How serde names a JSON value it did not expect (`integer \`55\``, `string "x"`), for thin-edge's texts.
    public static func unexpected(_ value: JSONValue) -> String {
        switch value {
        case .object: return "map"
        case .array: return "sequence"
        case .string(let text): return "string \(text.debugQuoted)"
        case .integer(let number): return "integer `\(number)`"
        case .real(let number): return "floating point `\(JSONNumberFormatter.format(number))`"
        case .boolean(let flag): return "boolean `\(flag)`"
        case .null: return "null"
        }
    }
}
