/// A Swift function called from Lua failed; Lua sees `message` as the error, raised at the call.
public struct LuaCallbackError: Error, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
