import TedgeProviderAPI

/// The part of a provider's description a contract rule is about, so a provider read from files can say
/// where that part was written.
public enum ContractSubject: Sendable, Equatable {
    /// The id and the names.
    case identity
    case configKey(String)
    /// The bridge as a whole (connection, endpoint, client ids).
    case bridge
    /// One topic rule of the bridge.
    case bridgeTopic(BridgeTopic)
    case connectionCheck
    case mapper
    case certificate
}
