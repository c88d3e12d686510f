import TedgeProviderContract

/// A directory under `mappers/` that is no cloud: an invalid name, or a `mapper.toml` that cannot be read or parsed.
public struct FileDefinitionFailure: Error, Sendable, CustomStringConvertible {
    public let name: String
    public let directory: String
    public let problems: [ContractViolation]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
