import TedgeProviderAPI

/// SmartREST 528 (update software), sent by Cumulocity on `s/ds`, as the local software-update
/// request `tedge/commands/req/software/update`:
/// `528,<device>,<name>,<version>[::<type>],<url>,<install|delete>,…` becomes
/// `{"id":…,"updateList":[{"type":…,"modules":[{"name":…,"version":…,"url":…,"action":…}]}]}`,
/// modules grouped by type in order of first appearance; `delete` is `remove`; an empty URL is left out.
public enum SoftwareUpdateRequest {
    public static let localTopic = "tedge/commands/req/software/update"
    /// The module type when the version carries none (`1.0` rather than `1.0::debian`).
    public static let defaultModuleType = "default"

    public static func parse(_ line: String, requestID: String) -> Result<String, ConversionError> {
        let fields = SmartREST.fields(of: line)
        guard fields.first == "528", fields.count >= 2, (fields.count - 2) % 4 == 0, fields.count > 2 else {
            return .failure(ConversionError("Invalid SmartREST 528 request: \(line)"))
        }
        var types: [String] = []
        var modules: [String: [JSONValue]] = [:]
        var index = 2
        while index < fields.count {
            let name = fields[index], versionAndType = fields[index + 1], url = fields[index + 2], action = fields[index + 3]
            index += 4
            guard !name.isEmpty else { return .failure(ConversionError("Invalid SmartREST 528 request: a module has no name")) }
            let localAction: String
            switch action {
            case "install": localAction = "install"
            case "delete": localAction = "remove"
            default: return .failure(ConversionError("Action \(action) is not supported. Use install or delete."))
            }
            let parts = versionAndType.components(separatedBy: "::")
            let version = parts[0]
            let type = parts.count > 1 && !parts[1].isEmpty ? parts[1] : defaultModuleType
            var module: [(key: String, value: JSONValue)] = [("name", .string(name))]
            if !version.isEmpty { module.append(("version", .string(version))) }
            if !url.isEmpty { module.append(("url", .string(url))) }
            module.append(("action", .string(localAction)))
            if modules[type] == nil { types.append(type) }
            modules[type, default: []].append(.object(module))
        }
        let updates = types.map { JSONValue.object([("type", .string($0)), ("modules", .array(modules[$0] ?? []))]) }
        return .success(JSONText.serialize(.object([("id", .string(requestID)), ("updateList", .array(updates))])))
    }
}

private extension String {
    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = self[...]
        while let range = rest.firstRange(ofText: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
