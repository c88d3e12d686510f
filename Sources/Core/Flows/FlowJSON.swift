import TedgeTOML
import TedgeThinEdgeJSON

/// JSON as thin-edge's flows write it: compact, object keys sorted by their bytes at every level (serde_json's
/// default map), numbers as serde prints them.
enum FlowJSON {
    static func sortedText(_ value: JSONValue) -> String {
        var text = ""
        write(value, into: &text)
        return text
    }

    private static func write(_ value: JSONValue, into text: inout String) {
        switch value {
        case .object(let members):
            text += "{"
            for (index, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if index > 0 { text += "," }
                text += JSONWriter.quoted(member.key) + ":"
                write(member.value, into: &text)
            }
            text += "}"
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                write(item, into: &text)
            }
            text += "]"
        default: text += JSONText.serialize(value)
        }
    }

    /// A TOML value (a step's `config`, a `params.toml` entry) as JSON.
    static func from(_ value: TOMLValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .integer(let number): return .integer(Int64(number))
        case .float(let number): return .real(number)
        case .boolean(let flag): return .boolean(flag)
        case .array(let items): return .array(items.map(from))
        case .table(let table): return .object(table.entries.map { ($0.key, from($0.value)) })
        }
    }

    /// The members of an object, empty for anything else.
    static func members(_ value: JSONValue) -> [(key: String, value: JSONValue)] {
        if case .object(let members) = value { return members }
        return []
    }
}
