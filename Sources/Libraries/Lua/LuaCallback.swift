import CTedgeLua

/// A Swift function Lua can call. Lua holds its address as an upvalue; `LuaState` keeps it alive.
final class LuaCallback {
    let body: ([LuaValue]) throws(LuaCallbackError) -> [LuaValue]

    init(body: @escaping ([LuaValue]) throws(LuaCallbackError) -> [LuaValue]) { self.body = body }

    /// What the C trampoline calls: never raises (the trampoline does, in C), reports an error as -1
    /// with the message on the stack.
    static let entry: tedge_lua_swift_function = { state in
        guard let state, let context = tedge_lua_swift_context(state) else { return 0 }
        return Unmanaged<LuaCallback>.fromOpaque(context).takeUnretainedValue().invoke(state)
    }

    private func invoke(_ state: OpaquePointer) -> Int32 {
        let count = lua_gettop(state)
        do {
            var arguments: [LuaValue] = []
            if count > 0 {
                for index in 1...count { arguments.append(try LuaStack.read(state, at: index, depth: 0)) }
            }
            let results = try body(arguments)
            guard lua_checkstack(state, Int32(results.count) + 1) != 0 else { return fail(state, "too many results") }
            for result in results { try LuaStack.push(state, result, depth: 0) }
            return Int32(results.count)
        } catch let error as LuaCallbackError {
            return fail(state, error.message)
        } catch {
            return fail(state, "\(error)")
        }
    }

    private func fail(_ state: OpaquePointer, _ message: String) -> Int32 {
        lua_pushstring(state, message)
        return -1
    }
}
