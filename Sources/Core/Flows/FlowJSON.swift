import TedgeTOML
import TedgeThinEdgeJSON

/// JSON values from TOML, and the members of an object (what flows write is `JSONText.serializeSortingKeys`,
/// compact with keys in byte order as thin-edge's serde maps print them).
enum FlowJSON {
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
