import TedgeLua
import TedgeThinEdgeJSON
import TedgeTopics

/// A script step: a Lua 5.4 file defining `onMessage(message, context)` (returning nil, a message or a
/// list of them) and optionally `onInterval(time, context)`, run in a sandboxed state of its own with the
/// engine's limits. A call that fails reports on the flow's errors topic; one that hits a limit also
/// discards the state and loads the script afresh (the context stores persist), so what it left behind
/// cannot fail the next message.
final class LuaScriptStep: FlowStep {
    let source: String
    let interval: Double?
    private let code: String
    private let chunkName: String
    private let limits: LuaLimits
    private let setup: (LuaState) throws(LuaError) -> LuaReference
    private var lua: LuaState
    private var context: LuaReference
    private var onMessageFunction: LuaReference?
    private var onIntervalFunction: LuaReference?

    /// The step `index` of the flow in `flowPath`; `configuredInterval` is the step's own `interval`. Lua's
    /// messages name the script by `name`, as the flow file names it (Lua cuts a long path to its end).
    init(
        path: String, name: String, flowPath: String, index: Int, config: JSONValue, configuredInterval: Double?,
        limits: LuaLimits,
        context flowContext: FlowContext
    ) throws(FlowLoadError) {
        code = try FlowDirectory.read(path)
        source = path
        chunkName = "@" + name
        self.limits = limits
        // Named as thin-edge names a step instance: flow, index, script.
        let instance = "\(flowPath)|\(index)|\(path)"
        setup = { lua throws(LuaError) in
            try LuaFlowBindings.install(
                in: lua, context: flowContext, flow: flowPath, instance: instance, source: path, config: config)
        }
        do {
            (lua, context, onMessageFunction, onIntervalFunction) = try Self.load(
                code, chunkName: chunkName, limits: limits, setup: setup)
        } catch {
            throw FlowLoadError("Lua error: \(error)")
        }
        if onMessageFunction == nil { flowContext.log.append("Flow script with no 'onMessage' function: \(path)") }
        if onIntervalFunction == nil, configuredInterval != nil {
            flowContext.log.append(
                "Script with no 'onInterval' function: \(path); but configured with an 'interval' in \(flowPath)")
        }
        interval = onIntervalFunction == nil ? nil : configuredInterval ?? 1
    }

    private static func load(
        _ code: String, chunkName: String, limits: LuaLimits, setup: (LuaState) throws(LuaError) -> LuaReference
    ) throws(LuaError) -> (LuaState, LuaReference, LuaReference?, LuaReference?) {
        let lua = try LuaState(limits: limits)
        let context = try setup(lua)
        try lua.run(code, chunkName: chunkName)
        return (lua, context, lua.functionReference(global: "onMessage"), lua.functionReference(global: "onInterval"))
    }

    func onMessage(_ message: FlowMessage, at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage] {
        guard let onMessageFunction else { return [message] }
        return try call(onMessageFunction, [LuaFlowBindings.luaMessage(message, time: time)])
    }

    func onInterval(at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage] {
        guard let onIntervalFunction else { return [] }
        return try call(onIntervalFunction, [.number(time.unixSeconds)])
    }

    private func call(_ function: LuaReference, _ arguments: [LuaValue]) throws(FlowError) -> [FlowMessage] {
        let results: [LuaValue]
        do {
            results = try lua.call(function, arguments + [.reference(context)])
        } catch {
            switch error {
            case .instructionLimit, .memoryLimit: restart()
            default: break
            }
            throw Self.flowError(error)
        }
        return try LuaFlowBindings.messages(from: results.first ?? .nil)
    }

    private func restart() {
        guard let fresh = try? Self.load(code, chunkName: chunkName, limits: limits, setup: setup) else { return }
        (lua, context, onMessageFunction, onIntervalFunction) = fresh
    }

    private static func flowError(_ error: LuaError) -> FlowError {
        switch error {
        case .instructionLimit(let count):
            return .incorrectSetting("Maximum processing time exceeded (\(count) Lua instructions)")
        default: return .incorrectSetting("Lua error: \(error)")
        }
    }
}
