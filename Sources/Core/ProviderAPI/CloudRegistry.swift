/// The clouds this build knows, built once in the composition root and passed down; no global state.
public struct CloudRegistry: Sendable {
    public let providers: [any CloudProvider]

    /// Providers in listing order; a repeated id keeps the first and is reported by `problems`.
    public init(_ providers: [any CloudProvider]) {
        var seen: Set<String> = []
        self.providers = providers.filter { seen.insert($0.id).inserted }
        duplicates = providers.count - self.providers.count
    }

    private let duplicates: Int

    public var ids: [String] { providers.map(\.id) }

    public func provider(_ id: String) throws(TedgeError) -> any CloudProvider {
        guard let provider = providers.first(where: { $0.id == id }) else {
            throw TedgeError("Unknown cloud '\(id)'. Known clouds: \(ids.joined(separator: ", ")).")
        }
        return provider
    }

    /// The config schema: Core's keys with every provider's keys in registry order.
    public var configSchema: ConfigSchema { ConfigSchema(providerKeys: providers.flatMap(\.configKeys)) }

    /// Registry-level contract violations (the contract kit reports these too).
    public var problems: [String] {
        duplicates > 0 ? ["\(duplicates) provider(s) share an id with an earlier one and were ignored"] : []
    }
}
