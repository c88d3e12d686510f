/// One `tedge config` key: where it lives in tedge.toml, what it holds, its default and its doc line.
public struct ConfigKey: Sendable {
    public enum Default: Sendable, Equatable {
        case none
        case value(String)
        /// A path relative to the config directory, so `--config-dir` moves it.
        case inConfigDirectory(String)
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

    public init(_ name: String, table: String, field: String, kind: ConfigValueKind, default defaultValue: Default = .none, doc: String) {
        self.name = name
        self.storage = .toml(table: table, field: field)
        self.kind = kind
        self.defaultValue = defaultValue
        self.doc = doc
    }

    public init(derived name: String, doc: String) {
        self.name = name
        self.storage = .derivedFromCertificate
        self.kind = .string
        self.defaultValue = .none
        self.doc = doc
    }

    public var isReadOnly: Bool { storage == .derivedFromCertificate }

    /// The key's namespace: `az` for `az.url`.
    public var namespace: String { String(name.prefix { $0 != "." }) }
}
