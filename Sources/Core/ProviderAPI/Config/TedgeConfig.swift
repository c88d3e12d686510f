import TedgeTOML

/// The configuration of one config directory: what tedge.toml stores, resolved against defaults.
public struct TedgeConfig: Sendable {
    public let schema: ConfigSchema
    public let directory: String
    public private(set) var document: TOMLDocument
    /// Reads `device.id` from the device certificate. Given by whoever loads the configuration (the
    /// CLI's runtime reads certificates; a mapper needs no device id), so this type does no I/O.
    public let deviceIDSource: (@Sendable (TedgeConfig) -> String?)?
    /// The cloud profile this configuration reads and writes for its cloud: with `az`'s profile `second` selected,
    /// `az.url` is the value of `az.profiles.second.url` (see `selecting(_:of:)`); nil: the default profile.
    public private(set) var selectedProfile: SelectedProfile?

    public struct SelectedProfile: Sendable, Equatable {
        public let cloud: String
        public let name: CloudProfileName
    }

    public init(
        schema: ConfigSchema, directory: String, document: TOMLDocument = TOMLDocument(),
        deviceIDSource: (@Sendable (TedgeConfig) -> String?)? = nil
    ) {
        self.schema = schema
        self.directory = directory
        self.document = document
        self.deviceIDSource = deviceIDSource
    }

    /// The stored value, else the default; nil when neither exists. `device.id` comes from the certificate.
    public func value(of key: ConfigKey) -> String? {
        switch key.storage {
        case .derivedFromCertificate:
            return deviceIDSource?(self)
        case .toml:
            if let stored = storedValue(of: key) { return stored.description }
            return defaultValue(of: key)
        }
    }

    /// Looks a key up by name; a name not in the schema has no value.
    public func value(_ name: String) -> String? { schema.key(named: name).flatMap(value(of:)) }

    public func storedValue(of key: ConfigKey) -> TOMLValue? {
        guard let (table, field) = location(of: key) else { return nil }
        return document.value(table: table, key: field)
    }

    /// The same configuration with `cloud`'s keys read and written in `profile`'s table (nil: the default profile).
    /// The document stays whole, so saving it keeps every profile.
    public func selecting(_ profile: CloudProfileName?, of cloud: String) -> TedgeConfig {
        var selected = self
        selected.selectedProfile = profile.map { SelectedProfile(cloud: cloud, name: $0) }
        return selected
    }

    /// The profiles tedge.toml holds for `cloud` (`[az.profiles.<name>]` tables), in file order.
    public func profiles(of cloud: String) -> [CloudProfileName] {
        var names: [CloudProfileName] = []
        for table in document.tables {
            guard let split = ConfigKey.splitProfile(table.name, minimumParts: 3), split.cloud == cloud,
                let name = try? CloudProfileName(split.profile), !names.contains(name)
            else { continue }
            names.append(name)
        }
        return names
    }

    /// The schema's keys, then those of each cloud's stored profiles.
    public var keysWithProfiles: [ConfigKey] {
        schema.keys + schema.keys.flatMap { key in profiles(of: key.namespace).map(key.inProfile) }
    }

    /// Where a key is stored, in the selected profile's table for a key of its cloud.
    private func location(of key: ConfigKey) -> (table: String, field: String)? {
        guard case .toml(let table, let field) = key.storage else { return nil }
        guard let selectedProfile, key.namespace == selectedProfile.cloud,
            table == selectedProfile.cloud || table.hasPrefix(selectedProfile.cloud + "."),
            ConfigKey.splitProfile(table, minimumParts: 3) == nil  // already a profile's key
        else { return (table, field) }
        return (ConfigKey.profiled(table, cloud: selectedProfile.cloud, profile: selectedProfile.name), field)
    }

    public func defaultValue(of key: ConfigKey) -> String? {
        switch key.defaultValue {
        case .none: return nil
        case .value(let text): return text
        case .inConfigDirectory(let relative): return directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
        case .deviceID: return deviceIDSource?(self)
        }
    }

    public func flag(_ key: ConfigKey) -> Bool { value(of: key) == "true" }

    public func integer(_ key: ConfigKey) -> Int? { value(of: key).flatMap { Int($0) } }

    /// The local broker's port (`mqtt.port`), which every local client uses.
    public var mqttPort: Int { integer(CoreConfigKeys.mqttPort) ?? 1883 }

    /// Validates and stores a value typed by the user.
    public mutating func set(_ key: ConfigKey, to raw: String) throws(TedgeError) {
        guard let (table, field) = location(of: key) else { throw Self.readOnly }
        document.set(table: table, key: field, value: try key.parse(raw))
    }

    public mutating func unset(_ key: ConfigKey) throws(TedgeError) {
        guard let (table, field) = location(of: key) else { throw Self.readOnly }
        document.remove(table: table, key: field)
    }

    /// Stores a default explicitly (connect pins the root certificate path this way, as thin-edge does).
    public mutating func pinDefault(_ key: ConfigKey) {
        guard storedValue(of: key) == nil, let (table, field) = location(of: key),
            let fallback = defaultValue(of: key), let value = try? key.parse(fallback)
        else { return }
        document.set(table: table, key: field, value: value)
    }

    /// Stores the certificate's CN in every key of `keys` that defaults to the device id, so that the mapper, which
    /// reads no certificate, finds it in tedge.toml. The certificate wins over a value stored earlier: the bridge
    /// authenticates with it, and the mapper must name the same device.
    public mutating func record(deviceID: String, in keys: [ConfigKey]) {
        for key in keys where key.defaultValue == .deviceID {
            guard let (table, field) = location(of: key), let value = try? key.parse(deviceID) else { continue }
            document.set(table: table, key: field, value: value)
        }
    }

    static let readOnly = TedgeError(
        """
        Readonly setting: The device id is read from the device certificate and cannot be set directly.
        To set 'device.id' to some <id>, you can use `tedge cert create --device-id <id>`.
        """)

    /// The file text, tables and keys in schema order, each cloud's profiles after the default profile's keys.
    public var fileText: String {
        var ordered = TOMLDocument()  // the stored values only
        for key in keysWithProfiles {
            if case .toml(let table, let field) = key.storage, let value = document.value(table: table, key: field) {
                ordered.set(table: table, key: field, value: value)
            }
        }
        return ordered.text
    }
}
