/// One rule of the provider contract that a provider breaks, said so a provider author can fix it;
/// for a cloud defined in files, with the file and line that say the wrong thing.
public struct ContractViolation: Equatable, Sendable, CustomStringConvertible {
    public let provider: String
    public let rule: String
    public let detail: String
    /// Where the broken part is written; nil for a compiled provider.
    public var location: DefinitionLocation?

    public init(provider: String, rule: String, detail: String, location: DefinitionLocation? = nil) {
        self.provider = provider
        self.rule = rule
        self.detail = detail
        self.location = location
    }

    public var description: String {
        (location.map { "\($0): " } ?? "") + "provider '\(provider)' breaks \"\(rule)\": \(detail)"
    }
}
