import TedgeTOML

/// Every config key known to this build, in `tedge config list` order: Core's device keys, each
/// provider's keys in registry order (with Core's `<cloud>.bridge.topic_prefix` after them), then Core's local keys.
/// A cloud's keys have their profile's too: `az.profiles.<name>.url` mirrors `az.url`.
public struct ConfigSchema: Sendable {
    public let keys: [ConfigKey]
    private let byName: [String: Int]
    /// Table names accepted on read as another name for a table, from the keys' `legacyTable`.
    private let tableAliases: [String: String]

    /// Fields accepted on read and ignored (0.1 stored the device id).
    static let ignoredFields: Set<String> = ["device.id"]

    /// The namespaces of the clouds' keys (`az`, `c8y`): those that have profiles.
    public let clouds: [String]

    public init(providerKeys: [ConfigKey]) {
        let coreNamespaces = Set((CoreConfigKeys.deviceKeys + CoreConfigKeys.localKeys).map(\.namespace))
        var clouds: [String] = []
        for key in providerKeys where !coreNamespaces.contains(key.namespace) && !clouds.contains(key.namespace) {
            clouds.append(key.namespace)
        }
        self.clouds = clouds
        let cloudKeys = clouds.flatMap { cloud in
            let own = providerKeys.filter { $0.namespace == cloud }
            let prefix = ConfigKey.topicPrefix(of: cloud)
            return own.contains { $0.name == prefix.name } ? own : own + [prefix]
        }
        keys =
            CoreConfigKeys.deviceKeys + cloudKeys + providerKeys.filter { coreNamespaces.contains($0.namespace) }
            + CoreConfigKeys.localKeys
        var aliases: [String: String] = [:]
        for key in keys {
            if let legacy = key.legacyTable, case .toml(let table, _) = key.storage { aliases[legacy] = table }
        }
        tableAliases = aliases
        var index: [String: Int] = [:]
        for (position, key) in keys.enumerated() where index[key.name] == nil { index[key.name] = position }
        byName = index
    }

    /// A key by name, a profile's key too (`az.profiles.second.url`); nil for an unknown name or profile name.
    public func key(named name: String) -> ConfigKey? { try? requireKey(name) }

    /// The key with thin-edge's error for an unknown name, or the name rule a profile's name breaks.
    public func requireKey(_ name: String) throws(TedgeError) -> ConfigKey {
        if let index = byName[name] { return keys[index] }
        guard let split = ConfigKey.splitProfile(name), clouds.contains(split.cloud), let base = byName[split.base] else {
            throw TedgeError("Invalid key `\(name)'. See `tedge config list --doc` for a list of valid keys.")
        }
        return keys[base].inProfile(try CloudProfileName(split.profile))
    }

    /// `key` as `profile`'s (`tedge config set az.url X --profile second`); a key of no cloud (`mqtt.port`), or one
    /// that names its profile already, is itself.
    public func key(_ key: ConfigKey, in profile: CloudProfileName?) -> ConfigKey {
        guard let profile, clouds.contains(key.namespace), ConfigKey.splitProfile(key.name) == nil else { return key }
        return key.inProfile(profile)
    }

    func key(table: String, field: String) -> ConfigKey? {
        keys.first { $0.storage == .toml(table: table, field: field) }
    }

    /// Checks a parsed tedge.toml: known tables and fields, right value types. Returns it with aliases resolved.
    package func validate(_ document: TOMLDocument) throws(TedgeError) -> TOMLDocument {
        var normalized = TOMLDocument()
        for table in document.tables {
            var name = tableAliases[table.name] ?? table.name
            var lookup = name
            // `[az.profiles.<name>]` holds `[az]`'s fields for that profile.
            if let split = ConfigKey.splitProfile(table.name, minimumParts: 3), clouds.contains(split.cloud) {
                let profile: CloudProfileName
                do { profile = try CloudProfileName(split.profile) } catch {
                    throw TedgeError("invalid profile name in table [\(table.name)]: \(error.description)")
                }
                lookup = split.base
                name = ConfigKey.profiled(split.base, cloud: split.cloud, profile: profile)
            }
            for (field, value) in table.entries {
                if Self.ignoredFields.contains("\(name).\(field)") { continue }
                guard let key = key(table: lookup, field: field) else {
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
