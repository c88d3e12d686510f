/// The `<type>` of `signal/<type>`: `sync`, `sync_<op>` for the known operations, anything else custom.
public enum SignalType: Hashable, Sendable, CustomStringConvertible {
    case sync
    case syncOperation(OperationType)
    case custom(String)

    public init(_ name: String) {
        if name == "sync" {
            self = .sync
        } else if name.hasPrefix("sync_"), case let operation = OperationType(String(name.dropFirst(5))),
            operation != .health
        {
            if case .custom = operation { self = .custom(name) } else { self = .syncOperation(operation) }
        } else {
            self = .custom(name)
        }
    }

    public var description: String {
        switch self {
        case .sync: return "sync"
        case .syncOperation(let operation): return "sync_\(operation)"
        case .custom(let name): return name
        }
    }
}
