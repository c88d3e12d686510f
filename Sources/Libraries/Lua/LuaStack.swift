import CTedgeLua

/// Moves values between Swift and a state's stack. Reading runs no metamethod and converts nothing in
/// place (a number key converted to a string would break `lua_next`).
enum LuaStack {
    static func push(_ state: OpaquePointer, _ value: LuaValue, depth: Int) throws(LuaError) {
        guard depth < LuaState.maximumDepth else {
            throw .conversion("table nesting deeper than \(LuaState.maximumDepth) levels")
        }
        guard lua_checkstack(state, 3) != 0 else { throw .conversion("Lua stack overflow") }
        switch value {
        case .nil, .other: lua_pushnil(state)
        case .boolean(let flag): lua_pushboolean(state, flag ? 1 : 0)
        case .integer(let number): lua_pushinteger(state, lua_Integer(number))
        case .number(let number): lua_pushnumber(state, number)
        case .string(let bytes):
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
            }
        case .lightUserdata(let address): lua_pushlightuserdata(state, UnsafeMutableRawPointer(bitPattern: address))
        case .reference(let reference): lua_rawgeti(state, tedge_lua_registry_index(), lua_Integer(reference.index))
        case .table(let entries):
            let sequential = entries.enumerated().allSatisfy { $0.element.key == .integer(Int64($0.offset + 1)) }
            lua_createtable(state, sequential ? Int32(entries.count) : 0, sequential ? 0 : Int32(entries.count))
            for entry in entries {
                if case .nil = entry.key { continue }  // Lua tables cannot hold a nil key
                if case .number(let number) = entry.key, number.isNaN { continue }
                try push(state, entry.key, depth: depth + 1)
                try push(state, entry.value, depth: depth + 1)
                lua_rawset(state, -3)
            }
        }
    }

    static func read(_ state: OpaquePointer, at index: Int32, depth: Int) throws(LuaError) -> LuaValue {
        switch lua_type(state, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(state, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(state, index) != 0 { return .integer(Int64(lua_tointegerx(state, index, nil))) }
            return .number(lua_tonumberx(state, index, nil))
        case LUA_TSTRING:
            var length = 0
            guard let text = tedge_lua_tostring(state, index, &length) else { return .string([]) }
            return .string(Array(UnsafeRawBufferPointer(start: text, count: length)))
        case LUA_TLIGHTUSERDATA:
            return .lightUserdata(UInt(bitPattern: lua_touserdata(state, index)))
        case LUA_TTABLE:
            guard depth < LuaState.maximumDepth else {
                throw .conversion("table nesting deeper than \(LuaState.maximumDepth) levels (or a table that holds itself)")
            }
            guard lua_checkstack(state, 3) != 0 else { throw .conversion("Lua stack overflow") }
            let table = lua_absindex(state, index)
            var entries: [LuaValue.Entry] = []
            lua_pushnil(state)
            while lua_next(state, table) != 0 {
                // On a throw the stack keeps the traversal's slots; every caller resets its top.
                let key = try read(state, at: -2, depth: depth + 1)
                let value = try read(state, at: -1, depth: depth + 1)
                entries.append(LuaValue.Entry(key, value))
                tedge_lua_pop(state, 1)
            }
            return .table(entries)
        default:
            return .other(String(cString: lua_typename(state, lua_type(state, index))))
        }
    }
}
