import TedgeFlows
import TedgeMessaging
import TedgeProviderContract
import TedgeSystem
import TedgeTOML

/// What can be told of a mapper's flow files (`flows/**/*.toml`, not `params.toml`) before the mapper runs them:
/// that they are TOML, that a flow with a fixed output topic does not publish where it reads (thin-edge refuses
/// to load such a flow unless it says `expect_loop = true`), each with its line; then that the flows engine loads
/// each of them (its steps, its scripts).
enum FlowFileCheck {
    static let syntaxRule = "flow files are valid TOML"
    static let loopRule = "a flow's output does not feed its own input"
    static let loadRule = "flows load"

    /// The flow files below `directory`, by path, sorted.
    static func flowFiles(in directory: String) -> [String] {
        var files: [String] = []
        func walk(_ folder: String, depth: Int) {
            guard depth < 16 else { return }
            for name in FileSystem.regularFileNames(in: folder) where name.hasSuffix(".toml") && !isParamsFile(name) {
                files.append(FileSystem.join(folder, name))
            }
            for name in FileSystem.directoryNames(in: folder) { walk(FileSystem.join(folder, name), depth: depth + 1) }
        }
        walk(directory, depth: 0)
        return files.sorted()
    }

    static func isParamsFile(_ name: String) -> Bool { name == "params.toml" }

    static func violations(in directory: String, cloud: String) -> [ContractViolation] {
        var problems: [ContractViolation] = []
        for path in flowFiles(in: directory) {
            var reader = DefinitionReader(cloud: cloud, file: path)
            guard let text = try? FileSystem.readText(path) else {
                reader.problem(syntaxRule, "the file cannot be read", line: nil)
                problems += reader.problems
                continue
            }
            guard let table = reader.parse(text) else {
                problems += reader.problems.map {
                    ContractViolation(provider: $0.provider, rule: syntaxRule, detail: $0.detail, location: $0.location)
                }
                continue
            }
            problems += loops(in: table, path: path, cloud: cloud)
        }
        return problems
    }

    /// What only loading the flows tells (unknown steps, scripts that do not compile), for the files not in
    /// `reported`; `parameters`: what the flows read as `${mapper.*}`.
    static func loadViolations(in directory: String, cloud: String, parameters: [String: String], reported: Set<String>)
        -> [ContractViolation]
    {
        guard FileSystem.isDirectory(directory) else { return [] }
        let engine = FlowEngine(directory: directory, mapperParams: parameters)
        _ = engine.start()
        return engine.brokenFlows.filter { !reported.contains($0.path) }.map { path, error in
            ContractViolation(
                provider: cloud, rule: loadRule, detail: error.description, location: DefinitionLocation(file: path, line: nil))
        }
    }

    /// A fixed output topic that one of the flow's own input filters matches, unless the flow expects it.
    private static func loops(in flow: TOMLTable, path: String, cloud: String) -> [ContractViolation] {
        guard flow.value(at: ["expect_loop"]) != .boolean(true),
            case .string(let output)? = flow.value(at: ["output", "mqtt", "topic"]), !output.containsText("${")
        else { return [] }
        var inputs: [String] = flow.value(at: ["input", "mqtt", "topics"])?.stringArray ?? []
        if case .array(let tables)? = flow.value(at: ["input", "mqtt"]) {
            for case .table(let table) in tables { inputs += table["topics"]?.stringArray ?? [] }
        }
        guard let filter = inputs.first(where: { !$0.containsText("${") && (MQTTTopicFilter($0)?.matches(output) ?? false) })
        else {
            return []
        }
        let line = outputLine(of: flow)
        return [
            ContractViolation(
                provider: cloud, rule: loopRule,
                detail:
                    "the output topic '\(output)' matches the input filter '\(filter)': every message it publishes would come back to it",
                location: DefinitionLocation(file: path, line: line))
        ]
    }

    /// The line of `output.mqtt.topic`, however the file nests it.
    private static func outputLine(of flow: TOMLTable) -> Int? {
        guard case .table(let output)? = flow["output"] else { return nil }
        guard case .table(let mqtt)? = output["mqtt"] else { return output.lines["mqtt"] ?? flow.lines["output"] }
        return mqtt.lines["topic"] ?? output.lines["mqtt"] ?? flow.lines["output"]
    }
}
