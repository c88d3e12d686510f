/// One rule of the provider contract that a provider breaks, said so a provider author can fix it.
public struct ContractViolation: Equatable, Sendable, CustomStringConvertible {
    public let provider: String
    public let rule: String
    public let detail: String

    public var description: String { "provider '\(provider)' breaks \"\(rule)\": \(detail)" }
}
