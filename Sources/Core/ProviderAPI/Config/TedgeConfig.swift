import TedgeTOML

/// The configuration of one config directory: what tedge.toml stores, resolved against defaults.
public struct TedgeConfig: Sendable {
    public let schema: ConfigSchema
    public let directory: String
    public private(set) var document: TOMLDocument
    /// Reads `device.id` from the device certificate. Given by whoever loads the configuration (the
    /// CLI's runtime reads certificates; a mapper needs no device id), so this type does no I/O.
    public let deviceIDSource: (@Sendable (TedgeConfig) -> String?)?

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
        case .toml(let table, let field):
            if let stored = document.value(table: table, key: field) { return stored.description }
            return defaultValue(of: key)
        }
    }

    /// Looks a key up by name; a name not in the schema has no value.
    public func value(_ name: String) -> String? { schema.key(named: name).flatMap(value(of:)) }

    public func storedValue(of key: ConfigKey) -> TOMLValue? {
        guard case .toml(let table, let field) = key.storage else { return nil }
        return document.value(table: table, key: field)
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
        guard case .toml(let table, let field) = key.storage else { throw Self.readOnly }
        document.set(table: table, key: field, value: try key.parse(raw))
    }

    public mutating func unset(_ key: ConfigKey) throws(TedgeError) {
        guard case .toml(let table, let field) = key.storage else { throw Self.readOnly }
        document.remove(table: table, key: field)
    }

    /// Stores a default explicitly (connect pins the root certificate path this way, as thin-edge does).
    public mutating func pinDefault(_ key: ConfigKey) {
        guard storedValue(of: key) == nil, case .toml(let table, let field) = key.storage,
            let fallback = defaultValue(of: key), let value = try? key.parse(fallback)
        else { return }
        document.set(table: table, key: field, value: value)
    }

    /// Stores the certificate's CN in every key of `keys` that defaults to the device id, so that the mapper, which
    /// reads no certificate, finds it in tedge.toml. The certificate wins over a value stored earlier: the bridge
    /// authenticates with it, and the mapper must name the same device.
    public mutating func record(deviceID: String, in keys: [ConfigKey]) {
        for key in keys where key.defaultValue == .deviceID {
            guard case .toml(let table, let field) = key.storage, let value = try? key.parse(deviceID) else { continue }
            document.set(table: table, key: field, value: value)
        }
    }

    static let readOnly = TedgeError(
        """
        Readonly setting: The device id is read from the device certificate and cannot be set directly.
        To set 'device.id' to some <id>, you can use `tedge cert create --device-id <id>`.
        """)

    /// The file text, tables and keys in schema order.
    public var fileText: String {
        var ordered = TOMLDocument()  // the stored values only
        for key in schema.keys {
            if case .toml(let table, let field) = key.storage, let value = document.value(table: table, key: field) {
                ordered.set(table: table, key: field, value: value)
            }
        }
        return ordered.text
    }
}
