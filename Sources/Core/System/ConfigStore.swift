import TedgeProviderAPI
import TedgeTOML

/// Reads and writes `<config-dir>/tedge.toml`. A malformed file is reported, never overwritten.
public struct ConfigStore: Sendable {
    public let directory: String
    public let schema: ConfigSchema
    /// How loaded configurations read `device.id` (see `TedgeConfig.deviceIDSource`).
    public let deviceIDSource: (@Sendable (TedgeConfig) -> String?)?

    public init(directory: String, schema: ConfigSchema, deviceIDSource: (@Sendable (TedgeConfig) -> String?)? = nil) {
        self.directory = directory
        self.schema = schema
        self.deviceIDSource = deviceIDSource
    }

    public var path: String { FileSystem.join(directory, "tedge.toml") }

    /// A missing file means "all defaults".
    public func load() throws(TedgeError) -> TedgeConfig {
        guard FileSystem.exists(path) else {
            return TedgeConfig(schema: schema, directory: directory, deviceIDSource: deviceIDSource)
        }
        let text = try FileSystem.readText(path)
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text)
        } catch {
            throw TedgeError("TOML parse error in \(path) at line \(error.line) column \(error.column): \(error.reason)")
        }
        do {
            return TedgeConfig(
                schema: schema, directory: directory, document: try schema.validate(document),
                deviceIDSource: deviceIDSource)
        } catch {
            throw TedgeError("TOML parse error in \(path): \(error.description)")
        }
    }

    public func save(_ config: TedgeConfig) throws(TedgeError) {
        try FileSystem.createDirectories(directory)
        do {
            try AtomicFile.write(config.fileText, to: path, mode: 0o644, placement: .replace)
        } catch {
            throw TedgeError(error.description)
        }
    }
}
