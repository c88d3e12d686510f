import TedgeSystem
import TedgeTOML
import TedgeThinEdgeJSON
import TedgeTopics

/// The values a flow's `${params.x.y}` and `${mapper.x}` stand for: `params.toml.template` overlaid by
/// `params.toml` (top-level keys), both beside the flow file, and the mapper's settings. A params file that
/// cannot be read counts as empty (with a warning), so one bad file does not break its flows.
struct FlowParams {
    static let fileName = "params.toml"
    static let templateName = "params.toml.template"

    private var params: [(key: String, value: JSONValue)] = []
    private let mapper: [String: String]

    init(mapper: [String: String]) { self.mapper = mapper }

    /// The params for the flows of `directory`; warnings go to `log`.
    init(directory: String, mapper: [String: String], log: inout [String]) {
        self.init(mapper: mapper)
        for name in [Self.templateName, Self.fileName] {
            let path = FileSystem.join(directory, name)
            guard FileSystem.isRegularFile(path) else { continue }
            do {
                let table = try TOMLTable(parsing: try FileSystem.readText(path))
                for entry in table.entries {
                    let value = FlowJSON.from(entry.value)
                    if let index = params.firstIndex(where: { $0.key == entry.key }) {
                        params[index].value = value
                    } else {
                        params.append((entry.key, value))
                    }
                }
            } catch {
                log.append("Cannot read \(path): \(error)")
            }
        }
    }

    static func isParamsFile(_ name: String) -> Bool { name == fileName || name == templateName }

    /// A config value: a string that is exactly `${path}` becomes the value there (null when unknown),
    /// other strings get their `${…}` replaced by text; arrays and objects are substituted throughout.
    func substitute(_ value: JSONValue, log: inout [String]) -> JSONValue {
        switch value {
        case .string(let text):
            let trimmed = text.trimmingSpaces
            if trimmed.hasPrefix("${"), trimmed.hasSuffix("}"), !trimmed.dropFirst(2).dropLast().contains("}") {
                return lookup(String(trimmed.dropFirst(2).dropLast()).trimmingSpaces, log: &log) ?? .null
            }
            return .string(substituteText(text, log: &log))
        case .array(let items): return .array(items.map { substitute($0, log: &log) })
        case .object(let members): return .object(members.map { ($0.key, substitute($0.value, log: &log)) })
        default: return value
        }
    }

    /// A topic, path or interval: each `${path}` replaced by its value's text (`null` when unknown).
    func substituteText(_ text: String, log: inout [String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(ofText: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            result += rest[..<start.lowerBound]
            let value = lookup(String(rest[start.upperBound..<end]).trimmingSpaces, log: &log) ?? .null
            if case .string(let string) = value { result += string } else { result += JSONText.serializeSortingKeys(value) }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    private func lookup(_ path: String, log: inout [String]) -> JSONValue? {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        var found: JSONValue?
        switch (parts.first, parts.count) {
        case ("params", 1): found = .object(params)
        case ("params", 2): found = Self.value(at: parts[1], in: .object(params))
        case ("mapper", 2): found = mapper[parts[1]].map(JSONValue.string)
        default: found = nil
        }
        if found == nil { log.append("Unknown parameter: ${\(path)}") }
        return found
    }

    private static func value(at path: String, in value: JSONValue) -> JSONValue? {
        var current = value
        for key in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard let next = FlowJSON.members(current).first(where: { $0.key == key })?.value else { return nil }
            current = next
        }
        return current
    }
}
