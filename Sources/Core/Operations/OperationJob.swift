import TedgeProviderAPI

/// What a handler run is for, kept while it waits and while it runs.
enum OperationJob: Equatable {
    /// A method call, answered when its handler ends; its time limit counts from `receivedAt`.
    case method(CloudMethodCall, receivedAt: Int64)
    /// A desired property's new value (nil: removed).
    case desired(key: String, value: JSONValue?, version: Int64?)
    case cloudMessage(CloudMessage)

    var isMethod: Bool {
        if case .method = self { return true }
        return false
    }

    /// Jobs with the same key run one after the other, and a waiting one is replaced by a newer one: only the latest
    /// value of a desired property matters.
    var coalescingKey: String? {
        if case .desired(let key, _, _) = self { return key }
        return nil
    }
}
