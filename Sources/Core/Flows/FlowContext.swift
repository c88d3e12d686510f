import TedgeThinEdgeJSON

/// What the steps of one engine share: the key/value stores scripts reach as `context.mapper` (every
/// flow), `context.flow` (one flow, by its file) and `context.script` (one step instance), which
/// `update-context` also writes; and the log lines produced while processing. Owned by one
/// `FlowEngine`, in memory only, kept across reloads.
public final class FlowContext {
    public enum Scope: Hashable, Sendable {
        case mapper
        case flow(String)
        case script(String)
    }

    private var stores: [Scope: [String: JSONValue]] = [:]
    /// Lines for the mapper's log (a script's `print`, a dropped looping message), drained by the engine.
    var log: [String] = []

    public init() {}

    public func value(_ key: String, in scope: Scope = .mapper) -> JSONValue? { stores[scope]?[key] }

    /// Sets a value; nil or JSON null removes the key, as thin-edge's `set(key, null)` does.
    public func set(_ key: String, _ value: JSONValue?, in scope: Scope = .mapper) {
        if let value, value != .null {
            stores[scope, default: [:]][key] = value
        } else {
            stores[scope]?[key] = nil
        }
    }

    /// Keys in byte order (thin-edge keeps them in a sorted map).
    public func keys(in scope: Scope = .mapper) -> [String] {
        (stores[scope]?.keys).map { $0.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } } ?? []
    }
}
