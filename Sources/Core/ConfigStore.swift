/// Reads and writes `<config-dir>/tedge.toml`. A malformed file is reported, never overwritten.
public struct ConfigStore: Sendable {
    public let directory: String
    public let schema: ConfigSchema

    public init(directory: String, schema: ConfigSchema) {
        self.directory = directory
        self.schema = schema
    }

    public var path: String { FilePath.join(directory, "tedge.toml") }

    /// A missing file means "all defaults".
    public func load() throws(Message) -> TedgeConfig {
        guard FilePath.exists(path) else { return TedgeConfig(schema: schema, directory: directory) }
        let text = try FilePath.readText(path)
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text)
        } catch {
            throw Message("TOML parse error in \(path) at line \(error.line) column \(error.column): \(error.reason)")
        }
        do {
            return TedgeConfig(schema: schema, directory: directory, document: try schema.validate(document))
        } catch {
            throw Message("TOML parse error in \(path): \(error.description)")
        }
    }

    public func save(_ config: TedgeConfig) throws(Message) {
        try FilePath.createDirectories(directory)
        do {
            try AtomicFile.write(config.fileText, to: path, mode: 0o644, placement: .replace)
        } catch {
            throw Message(error.description)
        }
    }
}
