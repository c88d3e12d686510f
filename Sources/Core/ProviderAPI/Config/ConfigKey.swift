import TedgeTOML

/// One `tedge config` key: where it lives in tedge.toml, what it holds, its default and its doc line.
public struct ConfigKey: Sendable {
    public enum Default: Sendable, Equatable {
        case none
        case value(String)
        /// A path relative to the config directory, so `--config-dir` moves it.
        case inConfigDirectory(String)
        /// `device.id` (the certificate's CN) while nothing is stored. `tedge connect <cloud>` stores it in the
        /// cloud's keys of this kind (`TedgeConfig.record(deviceID:in:)`): a mapper reads no certificate.
        case deviceID
    }

    /// `device.id` is the one derived key: read from the certificate, never stored.
    public enum Storage: Sendable, Equatable {
        case toml(table: String, field: String)
        case derivedFromCertificate
    }

    /// Debian's CA directory: the default root of trust for every cloud's bridge.
    public static let systemCertificates = "/etc/ssl/certs"

    public let name: String
    public let storage: Storage
    public let kind: ConfigValueKind
    public let defaultValue: Default
    public let doc: String
    /// For URL keys: the host name that errors show as the right form (`subdomain.cumulocity.com`).
    public let example: String?
    /// A table name older tedge versions wrote this key under, still accepted on read (0.1 wrote `[azure]`).
    public let legacyTable: String?

    /// A key stored where its name says, as thin-edge lays tedge.toml out: `az.root.cert.path` in
    /// `[az]` as `root_cert_path` (the first part names the table, the rest joined by `_` the field).
    public init(
        _ name: String, kind: ConfigValueKind, default defaultValue: Default = .none, doc: String, example: String? = nil,
        legacyTable: String? = nil
    ) {
        let (table, field) = Self.tomlLocation(of: name)
        self.init(
            name, table: table, field: field, kind: kind, default: defaultValue, doc: doc, example: example,
            legacyTable: legacyTable)
    }

    /// A key stored somewhere its name does not say (thin-edge keeps `software.plugin.default` in
    /// `[software]` as `default_plugin_type`).
    public init(
        _ name: String, table: String, field: String, kind: ConfigValueKind, default defaultValue: Default = .none,
        doc: String, example: String? = nil, legacyTable: String? = nil
    ) {
        self.name = name
        self.storage = .toml(table: table, field: field)
        self.kind = kind
        self.defaultValue = defaultValue
        self.doc = doc
        self.example = example
        self.legacyTable = legacyTable
    }

    public init(derived name: String, doc: String) {
        self.name = name
        self.storage = .derivedFromCertificate
        self.kind = .string
        self.defaultValue = .none
        self.doc = doc
        self.example = nil
        self.legacyTable = nil
    }

    /// The table and field a key's name stands for: `mqtt.external.port` is `[mqtt] external_port`.
    public static func tomlLocation(of name: String) -> (table: String, field: String) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return ("", name) }
        return (String(parts[0]), parts.dropFirst().joined(separator: "_"))
    }

    /// Validates a value typed by the user, with this key's example in the error.
    public func parse(_ raw: String) throws(TedgeError) -> TOMLValue { try kind.parse(raw, example: example) }

    public var isReadOnly: Bool { storage == .derivedFromCertificate }

    /// The key's namespace: `az` for `az.url`.
    public var namespace: String { String(name.prefix { $0 != "." }) }
}
