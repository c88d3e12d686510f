import TedgeLua
import TedgeMessaging
import TedgeSystem
import TedgeThinEdgeJSON
import TedgeTopics

/// Reads one flow file into a `Flow`: params substituted, topics checked, steps built, name derived,
/// loops refused; with the files it was read from, so a change to any of them reloads it.
enum FlowLoader {
    struct Outcome {
        var flow: Result<Flow, FlowLoadError>
        /// The flow file, the params files beside it and its scripts, present or not.
        var dependencies: [String]
    }

    static func load(
        path: String, directory: String, mapper: [String: String], limits: LuaLimits, context: FlowContext, at time: UnixTime
    ) -> Outcome {
        let folder = FileSystem.directory(of: path)
        var dependencies = [path, FileSystem.join(folder, FlowParams.fileName), FileSystem.join(folder, FlowParams.templateName)]
        do {
            let flow = try compile(
                path: path, folder: folder, directory: directory, mapper: mapper, limits: limits, context: context, at: time
            ) {
                dependencies.append($0)
            }
            return Outcome(flow: .success(flow), dependencies: dependencies)
        } catch {
            return Outcome(flow: .failure(error), dependencies: dependencies)
        }
    }

    /// A lone script run as a flow, as `tedge flows test --flow x.lua` does: on every topic (`#`), each
    /// result on its own topic, loops expected, errors on `te/error`.
    static func loadScript(_ path: String, limits: LuaLimits, context: FlowContext, at time: UnixTime) -> Outcome {
        let flowPath = (path.hasSuffix(".lua") ? String(path.dropLast(4)) : path) + ".toml"
        do {
            var definition = try FlowDefinition(parsing: "expect_loop = true")
            definition.inputTopics = ["#"]
            let step = try LuaScriptStep(
                path: path, name: String(path.split(separator: "/").last ?? Substring(path)), flowPath: flowPath, index: 0,
                config: .object([("interval", .integer(1))]), configuredInterval: nil,
                limits: limits, context: context)
            let name = name(of: flowPath, in: FileSystem.directory(of: path)) ?? flowPath
            let flow = Flow(
                name: name, path: flowPath, definition: definition, inputs: [MQTTTopicFilter("#")!], steps: [step], loadedAt: time
            )
            return Outcome(flow: .success(flow), dependencies: [path])
        } catch {
            return Outcome(flow: .failure(error), dependencies: [path])
        }
    }

    private static func compile(
        path: String, folder: String, directory: String, mapper: [String: String], limits: LuaLimits, context: FlowContext,
        at time: UnixTime, script: (String) -> Void
    ) throws(FlowLoadError) -> Flow {
        var definition = try FlowDefinition(parsing: try FlowDirectory.read(path))
        let params = FlowParams(directory: folder, mapper: mapper, log: &context.log)
        definition.inputTopics = definition.inputTopics.map { params.substituteText($0, log: &context.log) }
        definition.outputTopic = definition.outputTopic.map { params.substituteText($0, log: &context.log) }
        definition.errorsTopic = definition.errorsTopic.map { params.substituteText($0, log: &context.log) }
        let shared = params.substitute(definition.config, log: &context.log)

        var inputs: [MQTTTopicFilter] = []
        for topic in definition.inputTopics {
            guard let filter = MQTTTopicFilter(topic) else { throw .incorrectTopicFilter(topic) }
            inputs.append(filter)
        }
        for topic in [definition.outputTopic, definition.errorsTopic].compactMap({ $0 })
        where !MQTTTopicFilter.isValidTopicName(topic) {
            throw .incorrectTopic(topic)
        }

        var steps: [any FlowStep] = []
        for (index, step) in definition.steps.enumerated() {
            let interval = try step.interval.flatMap { text throws(FlowLoadError) in
                try FlowInterval.seconds(params.substituteText(text, log: &context.log))
            }
            let config = Self.config(params.substitute(step.config, log: &context.log), shared: shared, interval: interval)
            switch step.kind {
            case .builtin(let name):
                steps.append(try BuiltinSteps.make(name, config: FlowStepConfig(value: config)))
            case .script(let file):
                let scriptPath = file.hasPrefix("/") ? file : FileSystem.join(folder, file)
                script(scriptPath)
                steps.append(
                    try LuaScriptStep(
                        path: scriptPath, name: file, flowPath: path, index: index, config: config, configuredInterval: interval,
                        limits: limits,
                        context: context))
            }
        }

        guard let name = name(of: path, in: directory) else {
            throw FlowLoadError("The flow name cannot be derived from its relative path to \(directory)")
        }
        guard !inputs.isEmpty else { throw FlowLoadError("Flow '\(name)' must define at least one input") }
        if !definition.expectLoop, let output = definition.outputTopic, let filter = inputs.first(where: { $0.matches(output) }) {
            throw FlowLoadError(
                "Flow '\(name)' defines an infinite loop: the output topic '\(output)' matches input filter '\(filter)'")
        }
        return Flow(name: name, path: path, definition: definition, inputs: inputs, steps: steps, loadedAt: time)
    }

    /// A step's config: its own keys, then the flow's shared ones it lacks, then `interval` in whole
    /// seconds (1 by default), as thin-edge hands a step its config.
    private static func config(_ own: JSONValue, shared: JSONValue, interval: Double?) -> JSONValue {
        var members = FlowJSON.members(own)
        for member in FlowJSON.members(shared) where !members.contains(where: { $0.key == member.key }) { members.append(member) }
        if !members.contains(where: { $0.key == "interval" }) { members.append(("interval", .integer(Int64(interval ?? 1)))) }
        return .object(members)
    }

    /// thin-edge's flow name: the path relative to the flows directory without `.toml`, a final `flow`
    /// file standing for its directory (`a/flow.toml` is `a`); nil outside the directory and for params files.
    static func name(of path: String, in directory: String) -> String? {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        guard path.hasPrefix(prefix) else { return nil }
        let relative = String(path.dropFirst(prefix.count))
        let file = relative.split(separator: "/").last.map(String.init) ?? relative
        guard file.hasSuffix(".toml"), file != ".toml", !FlowParams.isParamsFile(file) else { return nil }
        let stem = String(file.dropLast(".toml".count))
        let parent = relative.count > file.count ? String(relative.dropLast(file.count + 1)) : ""
        if stem == "flow" { return parent.isEmpty ? "flow" : parent }
        return parent.isEmpty ? stem : parent + "/" + stem
    }
}
