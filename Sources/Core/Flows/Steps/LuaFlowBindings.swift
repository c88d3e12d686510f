import TedgeLua
import TedgeMessaging
import TedgeThinEdgeJSON
import TedgeTopics

/// What a script step's Lua state sees, and how values cross: the message table
/// (`topic`, `payload`, `time`, `mqtt = { qos, retain }`), the context (`config`, and the `mapper`,
/// `flow` and `script` stores with `get`/`set`/`remove`/`keys`, callable with `.` or `:`), `json.decode`,
/// `json.encode` and `json.null` (JSON over our jansson-based parser and serde's number format, object
/// keys sorted), and `print` into the mapper's log.
enum LuaFlowBindings {
    /// `json.null`: decoded JSON nulls, so a key holding null is not lost as a Lua nil.
    static let null = LuaValue.lightUserdata(0)

    /// Installs `json` and `print`; the context table, built once and passed to every call by reference.
    static func install(
        in lua: LuaState, context: FlowContext, flow: String, instance: String, source: String, config: JSONValue
    ) throws(LuaError) -> LuaReference {
        let decode = lua.makeFunction { arguments throws(LuaCallbackError) in
            guard case .string(let bytes)? = arguments.first else { throw LuaCallbackError("json.decode expects a string") }
            switch JSONText.parse(bytes) {
            case .success(let value): return [luaValue(value)]
            case .failure(let error): throw LuaCallbackError(error.description)
            }
        }
        let encode = lua.makeFunction { arguments throws(LuaCallbackError) in
            [.text(JSONText.serializeSortingKeys(try json(arguments.first ?? .nil)))]
        }
        try lua.setGlobal("json", .record([("decode", decode), ("encode", encode), ("null", null)]))
        let print = lua.makeFunction { arguments throws(LuaCallbackError) in
            context.log.append("\(source): " + arguments.map(printed).joined(separator: "\t"))
            return []
        }
        try lua.setGlobal("print", print)
        return try lua.makeReference(
            .record([
                ("config", luaValue(config)),
                ("mapper", store(.mapper, in: lua, context: context)),
                ("flow", store(.flow(flow), in: lua, context: context)),
                ("script", store(.script(instance), in: lua, context: context)),
            ]))
    }

    private static func store(_ scope: FlowContext.Scope, in lua: LuaState, context: FlowContext) -> LuaValue {
        // `store:get(k)` passes the store table first; `store.get(k)` does not.
        func keyAndRest(_ arguments: [LuaValue]) throws(LuaCallbackError) -> (String, ArraySlice<LuaValue>) {
            var rest = arguments[...]
            if case .table? = rest.first { rest = rest.dropFirst() }
            guard let key = rest.first?.textValue else { throw LuaCallbackError("a context key must be a string") }
            return (key, rest.dropFirst())
        }
        let get = lua.makeFunction { arguments throws(LuaCallbackError) in
            let (key, _) = try keyAndRest(arguments)
            return [context.value(key, in: scope).map(luaValue) ?? .nil]
        }
        let set = lua.makeFunction { arguments throws(LuaCallbackError) in
            let (key, rest) = try keyAndRest(arguments)
            context.set(key, try json(rest.first ?? .nil), in: scope)
            return []
        }
        let remove = lua.makeFunction { arguments throws(LuaCallbackError) in
            let (key, _) = try keyAndRest(arguments)
            context.set(key, nil, in: scope)
            return []
        }
        let keys = lua.makeFunction { _ throws(LuaCallbackError) in
            [.list(context.keys(in: scope).map(LuaValue.text))]
        }
        return .record([("get", get), ("set", set), ("remove", remove), ("keys", keys)])
    }

    static func luaValue(_ value: JSONValue) -> LuaValue {
        switch value {
        case .object(let members): return .record(members.map { ($0.key, luaValue($0.value)) })
        case .array(let items): return .list(items.map(luaValue))
        case .string(let text): return .text(text)
        case .integer(let number): return .integer(number)
        case .real(let number): return .number(number)
        case .boolean(let flag): return .boolean(flag)
        case .null: return null
        }
    }

    /// A Lua value as JSON: a table with keys 1...n is an array, one with string keys an object (an empty
    /// table is `{}`); nil and `json.null` are null.
    static func json(_ value: LuaValue, depth: Int = 0) throws(LuaCallbackError) -> JSONValue {
        guard depth < LuaState.maximumDepth else { throw LuaCallbackError("cannot encode a table nested this deep") }
        switch value {
        case .nil: return .null
        case .lightUserdata where value == null: return .null
        case .boolean(let flag): return .boolean(flag)
        case .integer(let number): return .integer(number)
        case .number(let number):
            guard number.isFinite else { throw LuaCallbackError("cannot encode \(number) as JSON") }
            return .real(number)
        case .string(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
        case .table(let entries):
            if !entries.isEmpty,
                entries.allSatisfy({
                    if case .integer(let i) = $0.key { return i >= 1 && i <= entries.count } else { return false }
                })
            {
                var items = [JSONValue](repeating: .null, count: entries.count)
                for entry in entries {
                    guard case .integer(let index) = entry.key else { continue }
                    items[Int(index) - 1] = try json(entry.value, depth: depth + 1)
                }
                return .array(items)
            }
            var members: [(key: String, value: JSONValue)] = []
            for entry in entries {
                guard let key = entry.key.textValue else {
                    throw LuaCallbackError("cannot encode a table with keys other than strings or 1...n")
                }
                members.append((key, try json(entry.value, depth: depth + 1)))
            }
            return .object(members)
        case .lightUserdata, .reference, .other: throw LuaCallbackError("cannot encode a \(typeName(value)) as JSON")
        }
    }

    /// What the script's `onMessage` receives.
    static func luaMessage(_ message: FlowMessage, time: UnixTime) -> LuaValue {
        .record([
            ("topic", .text(message.topic)),
            ("payload", .string(message.payload)),
            ("time", .number(message.time ?? time.unixSeconds)),
            ("mqtt", .record([("qos", .integer(Int64(message.qos.rawValue))), ("retain", .boolean(message.retain))])),
        ])
    }

    /// What a script returned: nothing, one message or a list of them.
    static func messages(from result: LuaValue) throws(FlowError) -> [FlowMessage] {
        switch result {
        case .nil: return []
        case .table(let entries):
            var items = entries.compactMap { entry -> (Int64, LuaValue)? in
                if case .integer(let index) = entry.key { return (index, entry.value) }
                return nil
            }
            // A table with named fields is one message; one with only indexes, a list (an empty one: nothing).
            guard items.count == entries.count else { return [try message(from: result)] }
            items.sort { $0.0 < $1.0 }
            var messages: [FlowMessage] = []
            for (_, item) in items { messages.append(try message(from: item)) }
            return messages
        default: throw .invalidResult("Flow scripts are expected to return an array of messages")
        }
    }

    private static func message(from value: LuaValue) throws(FlowError) -> FlowMessage {
        guard case .table = value else { throw .invalidResult("Expect a message object with a topic and a payload") }
        guard let topic = value["topic"]?.textValue else { throw .invalidResult("Message is missing the 'topic' property") }
        var message: FlowMessage
        switch value["payload"] {
        case .string(let bytes)?: message = FlowMessage(topic: topic, payload: bytes)
        case nil, .nil?: throw .invalidResult("Message is missing the 'payload' property")
        default: throw .invalidResult("Unexpected payload format. Expected a string")
        }
        switch value["time"] {
        case .integer(let seconds)?: message.time = Double(seconds)
        case .number(let seconds)?: message.time = seconds
        default: break
        }
        if let mqtt = value["mqtt"] {
            switch mqtt["qos"] {
            case nil, .nil?: break
            case .integer(let level)? where MQTTQoS(rawValue: Int32(clamping: level)) != nil:
                message.qos = MQTTQoS(rawValue: Int32(level))!
            default: throw .invalidResult("Unexpected mqtt.qos: expected 0, 1 or 2")
            }
            if case .boolean(let retain)? = mqtt["retain"] { message.retain = retain }
        }
        return message
    }

    private static func printed(_ value: LuaValue) -> String {
        switch value {
        case .nil: return "nil"
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .number(let number): return "\(number)"
        case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
        default: return typeName(value)
        }
    }

    private static func typeName(_ value: LuaValue) -> String {
        switch value {
        case .table: return "table"
        case .lightUserdata where value == null: return "json.null"
        case .lightUserdata: return "userdata"
        case .other(let name): return name
        default: return "value"
        }
    }
}
