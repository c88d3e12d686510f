import TedgeProviderAPI
import TedgeSystem
import TedgeTOML

/// The `[init]` table of `<config-dir>/system.toml`: how to drive the init system, in thin-edge's format.
/// Each command is an argument vector; `{}` stands for the service name.
public struct InitSystem: Sendable, Equatable {
    public var name: String
    public var isAvailable: [String]
    public var restart: [String]
    public var stop: [String]
    public var enable: [String]
    public var disable: [String]
    public var isActive: [String]

    public init(
        name: String, isAvailable: [String], restart: [String], stop: [String], enable: [String],
        disable: [String], isActive: [String]
    ) {
        self.name = name
        self.isAvailable = isAvailable
        self.restart = restart
        self.stop = stop
        self.enable = enable
        self.disable = disable
        self.isActive = isActive
    }

    public static let systemd = InitSystem(
        name: "systemd",
        isAvailable: ["/bin/systemctl", "--version"],
        restart: ["/bin/systemctl", "restart", "{}"],
        stop: ["/bin/systemctl", "stop", "{}"],
        enable: ["/bin/systemctl", "enable", "{}"],
        disable: ["/bin/systemctl", "disable", "{}"],
        isActive: ["/bin/systemctl", "is-active", "{}"])

    public static let fileName = "system.toml"

    /// Reads `system.toml`; with no file, systemd and a notice saying so.
    public static func load(configDirectory: String) throws(TedgeError) -> (InitSystem, notice: String?) {
        let path = FileSystem.join(configDirectory, fileName)
        guard FileSystem.exists(path) else {
            return (.systemd, "The system config file '\(path)' doesn't exist. Use '/bin/systemctl' as a service manager.")
        }
        return (try parse(try FileSystem.readText(path), path: path), nil)
    }

    public static func parse(_ text: String, path: String) throws(TedgeError) -> InitSystem {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text)
        } catch {
            throw TedgeError("Toml syntax error in the system config file '\(path)': \(error.description)")
        }
        let fields = ["name", "is_available", "restart", "stop", "enable", "disable", "is_active"]
        for table in document.tables {
            guard table.name == "init" else {
                throw TedgeError("Toml syntax error in the system config file '\(path)': unknown table [\(table.name)]")
            }
            for entry in table.entries where !fields.contains(entry.key) {
                throw TedgeError(
                    "Toml syntax error in the system config file '\(path)': unknown field `\(entry.key)` in [init], expected one of \(fields.map { "`\($0)`" }.joined(separator: ", "))"
                )
            }
        }
        func required(_ field: String) throws(TedgeError) -> TOMLValue {
            guard let value = document.value(table: "init", key: field) else {
                throw TedgeError("Toml syntax error in the system config file '\(path)': missing field `\(field)` in [init]")
            }
            return value
        }
        func command(_ field: String, placeholder: Bool) throws(TedgeError) -> [String] {
            guard let words = try required(field).stringArray else {
                throw TedgeError("Toml syntax error in the system config file '\(path)': `\(field)` must be an array of strings")
            }
            guard !words.isEmpty else {
                throw TedgeError(
                    "Syntax error in the system config file for '\(field)': Requires 1 or more arguments.\nCheck '\(path)' file.")
            }
            if placeholder && !words.contains("{}") {
                throw TedgeError(
                    "Syntax error in the system config file for '\(field)': A placeholder '{}' is missing.\nCheck '\(path)' file."
                )
            }
            return words
        }
        guard case .string(let name) = try required("name") else {
            throw TedgeError("Toml syntax error in the system config file '\(path)': `name` must be a string")
        }
        return InitSystem(
            name: name,
            isAvailable: try command("is_available", placeholder: false),
            restart: try command("restart", placeholder: true),
            stop: try command("stop", placeholder: true),
            enable: try command("enable", placeholder: true),
            disable: try command("disable", placeholder: true),
            isActive: try command("is_active", placeholder: true))
    }
}
