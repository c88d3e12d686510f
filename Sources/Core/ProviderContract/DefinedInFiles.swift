import TedgeProviderAPI

/// A provider read from files (a user-defined cloud, `<config-dir>/mappers/<name>/`): it says which file and
/// line wrote each part of its description, and what its files get wrong that the description cannot show.
/// The contract kit then reports every violation with its place.
public protocol DefinedInFiles {
    /// Where `subject` was written, for the configuration `config` (rules may depend on it); nil when unknown.
    func location(of subject: ContractSubject, config: TedgeConfig) -> DefinitionLocation?
    /// What its files get wrong (values of the wrong kind, unknown fields, variables that do not resolve with
    /// `config`, flows that feed themselves), each with its place.
    func fileViolations(config: TedgeConfig) -> [ContractViolation]
}
