/// Why Lua code could not be loaded or did not finish.
public enum LuaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The chunk did not compile; Lua's message names the chunk and line.
    case syntax(String)
    /// The code raised an error; Lua's message, with the chunk and line where Lua adds them.
    case runtime(String)
    /// The call executed this many instructions without finishing.
    case instructionLimit(Int32)
    /// An allocation would have taken the state past this many bytes.
    case memoryLimit(Int)
    /// A value could not cross between Lua and Swift (a table nested too deep or holding itself).
    case conversion(String)
    /// lua_newstate failed (no memory for the state itself).
    case stateCreation

    public var description: String {
        switch self {
        case .syntax(let message), .runtime(let message), .conversion(let message): return message
        case .instructionLimit(let count): return "instruction limit exceeded (\(count) instructions)"
        case .memoryLimit(let bytes): return "not enough memory (limit \(bytes) bytes)"
        case .stateCreation: return "cannot create a Lua state"
        }
    }
}
