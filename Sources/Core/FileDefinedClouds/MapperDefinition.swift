import TedgeProviderAPI
import TedgeSystem
import TedgeTOML

/// `mappers/<name>/mapper.toml` as thin-edge 2.0 reads it (`url`, `auth_method`, `credentials_path`, `[device]`,
/// `[bridge]`, `cloud_type`; any other field is the user's, for `${mapper.*}`), plus what a connect needs and
/// thin-edge lacks, in tables thin-edge ignores: `[connection_check]` and `[certificate] registration_hint`.
/// Paths are resolved against the mapper's directory. Values keep the line they were written on.
struct MapperDefinition: Sendable {
    struct Located<Value: Sendable>: Sendable {
        var value: Value
        var line: Int?
    }

    enum AuthMethod: String, Sendable {
        case auto, certificate, password
    }

    /// `[bridge] tls.enable`: thin-edge's `auto` is TLS except on port 1883.
    enum TLSMode: String, Sendable {
        case auto, `true`, `false`
    }

    var url: Located<String>?
    var authMethod = Located(value: AuthMethod.auto, line: nil)
    var credentialsPath: Located<String>?
    var cloudType: Located<String>?
    var deviceID: Located<String>?
    var certificatePath: Located<String>?
    var keyPath: Located<String>?
    var rootCertificatePath: Located<String>?
    var cleanSession = false
    var keepAliveSeconds: Located<Int>?
    var tls = Located(value: TLSMode.auto, line: nil)
    var maxPayloadSize = Located(value: 268_435_455, line: nil)
    /// `[bridge] wildcard_subscriptions` (ours, default true): whether the cloud lets a device subscribe with wildcards.
    var wildcardSubscriptions = true
    var connectionCheck: ConnectionCheckDefinition?
    var connectionCheckLine: Int?
    var registrationHint: String?
    /// Every scalar of the file by dotted key, for `${mapper.*}` (arrays joined by `,`).
    var parameters: [String: String] = [:]
    /// Where each top-level key and table was written.
    var lines: [String: Int] = [:]

    static let fileName = "mapper.toml"

    /// Reads `text`; every mistake goes to `reader`.
    init(parsing table: TOMLTable, directory: String, reader: inout DefinitionReader) {
        lines = table.lines
        parameters = Self.flatten(table)
        func located<Value>(_ value: Value?, _ line: Int?) -> Located<Value>? { value.map { Located(value: $0, line: line) } }
        url = located(reader.string(table, "url"), table.lines["url"])
        if let text = reader.string(table, "auth_method") {
            if let method = AuthMethod(rawValue: text) {
                authMethod = Located(value: method, line: table.lines["auth_method"])
            } else {
                reader.problem(
                    DefinitionReader.typeRule, "`auth_method` must be \"auto\", \"certificate\" or \"password\", not \"\(text)\"",
                    line: table.lines["auth_method"])
            }
        }
        credentialsPath = located(
            reader.string(table, "credentials_path").map { Self.resolve($0, in: directory) }, table.lines["credentials_path"])
        cloudType = located(reader.string(table, "cloud_type"), table.lines["cloud_type"])

        if let device = reader.table(table, "device") {
            deviceID = located(reader.string(device, "id", within: "device"), device.lines["id"])
            certificatePath = located(
                reader.string(device, "cert_path", within: "device").map { Self.resolve($0, in: directory) },
                device.lines["cert_path"])
            keyPath = located(
                reader.string(device, "key_path", within: "device").map { Self.resolve($0, in: directory) },
                device.lines["key_path"])
            rootCertificatePath = located(
                reader.string(device, "root_cert_path", within: "device").map { Self.resolve($0, in: directory) },
                device.lines["root_cert_path"])
        }
        if let bridge = reader.table(table, "bridge") {
            cleanSession = reader.boolean(bridge, "clean_session", within: "bridge") ?? false
            keepAliveSeconds = located(
                reader.seconds(bridge, "keepalive_interval", within: "bridge"), bridge.lines["keepalive_interval"])
            if let tlsTable = reader.table(bridge, "tls", within: "bridge"),
                let text = reader.string(tlsTable, "enable", within: "bridge.tls")
            {
                if let mode = TLSMode(rawValue: text) {
                    tls = Located(value: mode, line: tlsTable.lines["enable"])
                } else {
                    reader.problem(
                        DefinitionReader.typeRule, "`bridge.tls.enable` must be \"auto\", \"true\" or \"false\", not \"\(text)\"",
                        line: tlsTable.lines["enable"])
                }
            }
            if let size = reader.integer(bridge, "max_payload_size", within: "bridge") {
                if size > 0 {
                    maxPayloadSize = Located(value: size, line: bridge.lines["max_payload_size"])
                } else {
                    reader.problem(
                        DefinitionReader.typeRule, "`bridge.max_payload_size` must be positive, not \(size)",
                        line: bridge.lines["max_payload_size"])
                }
            }
            wildcardSubscriptions = reader.boolean(bridge, "wildcard_subscriptions", within: "bridge") ?? true
        }
        if let check = reader.table(table, "connection_check") {
            connectionCheckLine = table.lines["connection_check"]
            connectionCheck = ConnectionCheckDefinition(parsing: check, line: connectionCheckLine, reader: &reader)
        }
        if let certificate = reader.table(table, "certificate") {
            registrationHint = reader.string(certificate, "registration_hint", within: "certificate")
        }
    }

    /// Relative paths are the mapper directory's, as thin-edge resolves them.
    static func resolve(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : FileSystem.join(directory, path)
    }

    /// `bridge.topic_prefix` = "v1/devices/me" for `[bridge] topic_prefix = "v1/devices/me"`.
    static func flatten(_ table: TOMLTable, prefix: String = "") -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in table.entries {
            let name = prefix + key
            switch value {
            case .table(let inner): values.merge(flatten(inner, prefix: name + "."), uniquingKeysWith: { $1 })
            case .array(let items) where items.allSatisfy({ if case .table = $0 { false } else { true } }):
                values[name] = value.description
            case .array: continue
            default: values[name] = value.description
            }
        }
        return values
    }
}
