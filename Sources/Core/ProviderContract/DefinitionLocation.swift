/// A place in a definition file: `/etc/tedge/mappers/tb/bridge/rules.toml:12`.
public struct DefinitionLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    /// From 1; nil when the mistake is the file as a whole (a missing one, say).
    public let line: Int?

    public init(file: String, line: Int?) {
        self.file = file
        self.line = line
    }

    public var description: String { line.map { "\(file):\($0)" } ?? file }
}
