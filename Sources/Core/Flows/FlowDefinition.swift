import TedgeTOML
import TedgeThinEdgeJSON

/// A flow file as written (thin-edge 2.0's `FlowConfig`), before params are substituted and steps built:
/// `input.mqtt.topics` (or `[[input.mqtt]]`), `steps` (`builtin` or `script`, with `config` and `interval`),
/// `output.mqtt.topic` (absent: each message on its own topic), `errors.mqtt.topic` (default `te/error`),
/// `expect_loop`, shared `config`, and `version`/`description`/`tags`. Unknown keys are ignored, as
/// thin-edge ignores them.
struct FlowDefinition {
    struct Step {
        enum Kind {
            case builtin(String)
            case script(String)
        }

        var kind: Kind
        var config: JSONValue
        var interval: String?
    }

    var version: String?
    var description: String?
    var tags: [String]?
    var config: JSONValue = .object([])
    var inputTopics: [String] = []
    var steps: [Step] = []
    var outputTopic: String?
    /// Nil when `[errors.mqtt]` names no topic: errors are then only logged.
    var errorsTopic: String? = "te/error"
    var expectLoop = false

    init(parsing text: String) throws(FlowLoadError) {
        let table: TOMLTable
        do { table = try TOMLTable(parsing: text) } catch { throw FlowLoadError("\(error)") }
        version = try Self.string(table, ["version"])
        description = try Self.string(table, ["description"])
        tags = try Self.strings(table, ["tags"])
        if let config = try Self.table(table, ["config"]) { self.config = FlowJSON.from(.table(config)) }
        expectLoop = try Self.boolean(table, ["expect_loop"]) ?? false
        if table.value(at: ["input", "file"]) != nil || table.value(at: ["input", "process"]) != nil {
            throw FlowLoadError("file and process inputs are not supported")
        }
        for input in try Self.tables(table, ["input", "mqtt"]) {
            inputTopics += try Self.strings(input, ["topics"], within: "input.mqtt") ?? []
        }
        for (index, step) in try Self.tables(table, ["steps"]).enumerated() {
            steps.append(try Self.step(step, index: index))
        }
        if table.value(at: ["output", "file"]) != nil || table.value(at: ["errors", "file"]) != nil {
            throw FlowLoadError("file outputs are not supported")
        }
        outputTopic = try Self.string(table, ["output", "mqtt", "topic"])
        if table.value(at: ["errors", "mqtt"]) != nil { errorsTopic = try Self.string(table, ["errors", "mqtt", "topic"]) }
    }

    private static func step(_ table: TOMLTable, index: Int) throws(FlowLoadError) -> Step {
        let kind: Step.Kind
        switch (try string(table, ["builtin"]), try string(table, ["script"])) {
        case (let name?, nil): kind = .builtin(name)
        case (nil, let path?): kind = .script(path)
        default: throw FlowLoadError("step \(index + 1) must have either `builtin` or `script`")
        }
        let config = try Self.table(table, ["config"]).map { FlowJSON.from(.table($0)) } ?? .object([])
        return Step(kind: kind, config: config, interval: try string(table, ["interval"]))
    }

    // MARK: typed reads, with the line of a wrong value

    /// `within`: where `table` sits in the file, for the message.
    private static func mistyped(_ table: TOMLTable, _ path: [String], _ expected: String, within: String? = nil) -> FlowLoadError
    {
        let line = table.lines[path[0]].map { " (line \($0))" } ?? ""
        let name = ((within.map { [$0] } ?? []) + path).joined(separator: ".")
        return FlowLoadError("invalid type for `\(name)`: expected \(expected)\(line)")
    }

    private static func string(_ table: TOMLTable, _ path: [String]) throws(FlowLoadError) -> String? {
        switch table.value(at: path) {
        case nil: return nil
        case .string(let text)?: return text
        default: throw mistyped(table, path, "a string")
        }
    }

    private static func boolean(_ table: TOMLTable, _ path: [String]) throws(FlowLoadError) -> Bool? {
        switch table.value(at: path) {
        case nil: return nil
        case .boolean(let flag)?: return flag
        default: throw mistyped(table, path, "a boolean")
        }
    }

    private static func strings(_ table: TOMLTable, _ path: [String], within: String? = nil) throws(FlowLoadError) -> [String]? {
        guard let value = table.value(at: path) else { return nil }
        guard let strings = value.stringArray else { throw mistyped(table, path, "an array of strings", within: within) }
        return strings
    }

    private static func table(_ table: TOMLTable, _ path: [String]) throws(FlowLoadError) -> TOMLTable? {
        switch table.value(at: path) {
        case nil: return nil
        case .table(let inner)?: return inner
        default: throw mistyped(table, path, "a table")
        }
    }

    /// One table or an array of tables (`input.mqtt`, `steps`).
    private static func tables(_ table: TOMLTable, _ path: [String]) throws(FlowLoadError) -> [TOMLTable] {
        switch table.value(at: path) {
        case nil: return []
        case .table(let inner)? where path != ["steps"]: return [inner]
        case .array(let items)?:
            var tables: [TOMLTable] = []
            for item in items {
                guard case .table(let inner) = item else { throw mistyped(table, path, "an array of tables") }
                tables.append(inner)
            }
            return tables
        default: throw mistyped(table, path, path == ["steps"] ? "an array of tables" : "a table or an array of tables")
        }
    }
}
