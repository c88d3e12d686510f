import TedgeTOML

/// Every config key known to this build, in `tedge config list` order: Core's device keys, each
/// provider's keys in registry order, then Core's local keys.
public struct ConfigSchema: Sendable {
    public let keys: [ConfigKey]
    private let byName: [String: Int]
    /// Table names accepted on read as another name for a table, from the keys' `legacyTable`.
    private let tableAliases: [String: String]

    /// Fields accepted on read and ignored (0.1 stored the device id).
    static let ignoredFields: Set<String> = ["device.id"]

    public init(providerKeys: [ConfigKey]) {
        keys = CoreConfigKeys.deviceKeys + providerKeys + CoreConfigKeys.localKeys
        var aliases: [String: String] = [:]
        for key in keys {
            if let legacy = key.legacyTable, case .toml(let table, _) = key.storage { aliases[legacy] = table }
        }
        tableAliases = aliases
        var index: [String: Int] = [:]
        for (position, key) in keys.enumerated() where index[key.name] == nil { index[key.name] = position }
        byName = index
    }

    public func key(named name: String) -> ConfigKey? { byName[name].map { keys[$0] } }

    /// The key with thin-edge's error for an unknown name.
    public func requireKey(_ name: String) throws(TedgeError) -> ConfigKey {
        guard let key = key(named: name) else {
            throw TedgeError("Invalid key `\(name)'. See `tedge config list --doc` for a list of valid keys.")
        }
        return key
    }

    func key(table: String, field: String) -> ConfigKey? {
        keys.first { $0.storage == .toml(table: table, field: field) }
    }

    /// Checks a parsed tedge.toml: known tables and fields, right value types. Returns it with aliases resolved.
    package func validate(_ document: TOMLDocument) throws(TedgeError) -> TOMLDocument {
        var normalized = TOMLDocument()
        for table in document.tables {
            let name = tableAliases[table.name] ?? table.name
            for (field, value) in table.entries {
                if Self.ignoredFields.contains("\(name).\(field)") { continue }
                guard let key = key(table: name, field: field) else {
                    throw TedgeError(
                        table.name.isEmpty
                            ? "unknown field `\(field)` at the top level"
                            : "unknown field `\(field)` in table [\(table.name)]")
                }
                guard key.kind.accepts(value) else {
                    throw TedgeError(
                        "invalid value for `\(field)` in table [\(table.name)] (the key \(key.name)): \(value.tomlText)")
                }
                normalized.set(table: name, key: field, value: value)
            }
        }
        return normalized
    }
}
