import CTedgeLua

/// One sandboxed Lua 5.4 state: the one owner of a `lua_State`. Only the base, string, table, math and
/// utf8 libraries are open; `io`, `os`, `package`, `require`, `debug`, `dofile`, `loadfile`,
/// `collectgarbage`, `print` and `string.dump` are absent, `load` takes text chunks only, and
/// `setmetatable` refuses `__gc` (a finalizer could run outside a limited call). Every call runs under
/// the instruction limit; the memory budget applies to everything Lua code allocates.
///
/// Not thread-safe: one state belongs to one thread at a time, as Lua requires.
public final class LuaState {
    let state: OpaquePointer
    private let budget: UnsafeMutablePointer<tedge_lua_budget>
    public let limits: LuaLimits
    /// Swift functions Lua may call; Lua holds their addresses, this array keeps them alive.
    private var callbacks: [LuaCallback] = []

    /// The deepest table nesting that crosses between Lua and Swift (a table holding itself would be endless).
    public static let maximumDepth = 64

    public init(limits: LuaLimits = LuaLimits()) throws(LuaError) {
        let budget = UnsafeMutablePointer<tedge_lua_budget>.allocate(capacity: 1)
        budget.initialize(to: tedge_lua_budget(used: 0, limit: max(0, limits.memory), suspended: 1, instructions_exhausted: 0))
        guard let state = tedge_lua_new_state(budget) else {
            budget.deallocate()
            throw .stateCreation
        }
        self.state = state
        self.budget = budget
        self.limits = limits
        tedge_lua_open_library(state, "_G", luaopen_base)
        tedge_lua_open_library(state, LUA_STRLIBNAME, luaopen_string)
        tedge_lua_open_library(state, LUA_TABLIBNAME, luaopen_table)
        tedge_lua_open_library(state, LUA_MATHLIBNAME, luaopen_math)
        tedge_lua_open_library(state, LUA_UTF8LIBNAME, luaopen_utf8)
        _ = try run(Self.sandbox, chunkName: "=sandbox")
    }

    deinit {
        lua_close(state)
        budget.deallocate()
    }

    private static let sandbox = """
        local load, setmetatable, rawget, type, error = load, setmetatable, rawget, type, error
        _G.load = function(chunk, name, mode, env) return load(chunk, name, "t", env) end
        _G.setmetatable = function(t, mt)
            if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
                error("__gc metamethods are not available", 2)
            end
            return setmetatable(t, mt)
        end
        dofile, loadfile, collectgarbage, print = nil, nil, nil, nil
        string.dump = nil
        """

    /// Bytes the state holds now.
    public var memoryInUse: Int { budget.pointee.used }

    /// Compiles a text chunk and runs it under the limits; its results. `chunkName` follows Lua's rule:
    /// `@path` names a file, `=name` is shown as is.
    @discardableResult
    public func run(_ source: String, chunkName: String) throws(LuaError) -> [LuaValue] {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        let bytes = Array(source.utf8) + [0]  // never empty, so the buffer has an address
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                luaL_loadbufferx(state, $0, buffer.count - 1, chunkName, "t")
            }
        }
        guard status == LUA_OK else {
            let message = errorMessage()
            throw status == LUA_ERRMEM ? .memoryLimit(limits.memory) : .syntax(message)
        }
        return try protectedCall(base: base, arguments: 0)
    }

    /// Calls a function held in the registry; its results.
    @discardableResult
    public func call(_ function: LuaReference, _ arguments: [LuaValue]) throws(LuaError) -> [LuaValue] {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        guard lua_checkstack(state, Int32(arguments.count) + 2) != 0 else { throw .conversion("too many arguments") }
        lua_rawgeti(state, tedge_lua_registry_index(), lua_Integer(function.index))
        for argument in arguments { try LuaStack.push(state, argument, depth: 0) }
        return try protectedCall(base: base, arguments: Int32(arguments.count))
    }

    /// A global function, held in the registry so it can be called by reference; nil when the global is
    /// not a function.
    public func functionReference(global name: String) -> LuaReference? {
        guard lua_getglobal(state, name) == LUA_TFUNCTION else {
            tedge_lua_pop(state, 1)
            return nil
        }
        return LuaReference(index: luaL_ref(state, tedge_lua_registry_index()))
    }

    public func global(_ name: String) -> LuaValue {
        lua_getglobal(state, name)
        defer { tedge_lua_pop(state, 1) }
        return (try? LuaStack.read(state, at: -1, depth: 0)) ?? .nil
    }

    public func setGlobal(_ name: String, _ value: LuaValue) throws(LuaError) {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        try LuaStack.push(state, value, depth: 0)
        lua_setglobal(state, name)
    }

    /// Builds a value once and keeps it in the registry (a context table, say), to pass by reference.
    public func makeReference(_ value: LuaValue) throws(LuaError) -> LuaReference {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        try LuaStack.push(state, value, depth: 0)
        return LuaReference(index: luaL_ref(state, tedge_lua_registry_index()))
    }

    /// A Lua function that runs `body` with its arguments read into Swift; what `body` throws is raised
    /// in Lua at the call. While `body` runs, the memory limit is not applied (a failing allocation would
    /// unwind Swift frames); what it builds is counted and the limit applies again when it returns.
    public func makeFunction(_ body: @escaping ([LuaValue]) throws(LuaCallbackError) -> [LuaValue]) -> LuaValue {
        let callback = LuaCallback(body: body)
        callbacks.append(callback)
        tedge_lua_push_swift_function(state, LuaCallback.entry, Unmanaged.passUnretained(callback).toOpaque())
        return .reference(LuaReference(index: luaL_ref(state, tedge_lua_registry_index())))
    }

    /// Runs what is on the stack (the function and its arguments above `base`) with the limits armed.
    private func protectedCall(base: Int32, arguments: Int32) throws(LuaError) -> [LuaValue] {
        tedge_lua_arm_instruction_limit(state, max(1, limits.instructions))
        budget.pointee.suspended = 0
        let status = tedge_lua_pcall(state, arguments, tedge_lua_multret())
        budget.pointee.suspended = 1
        // A script may catch the hook's error and still return; the call failed all the same.
        if budget.pointee.instructions_exhausted != 0 { throw .instructionLimit(limits.instructions) }
        guard status == LUA_OK else {
            if status == LUA_ERRMEM { throw .memoryLimit(limits.memory) }
            throw .runtime(errorMessage())
        }
        let top = lua_gettop(state)
        guard top > base else { return [] }
        var results: [LuaValue] = []
        for index in (base + 1)...top { results.append(try LuaStack.read(state, at: index, depth: 0)) }
        return results
    }

    /// The error object on top of the stack as text, without running any metamethod.
    func errorMessage() -> String {
        switch lua_type(state, -1) {
        case LUA_TSTRING, LUA_TNUMBER:
            // tolstring turns a number into a string in place, which is fine for an error object.
            var length = 0
            guard let text = tedge_lua_tostring(state, -1, &length) else { return "error" }
            return text.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
        default:
            return "(error object is a \(String(cString: lua_typename(state, lua_type(state, -1)))) value)"
        }
    }
}
