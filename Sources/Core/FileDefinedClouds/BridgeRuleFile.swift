import TedgeTOML

/// One file of `mappers/<name>/bridge/*.toml` as thin-edge 2.0 reads it: `local_prefix` and `remote_prefix` for the
/// whole file or per rule, `[[rule]]` (`topic`, `direction` = `outbound` | `inbound` | `bidirectional`, `if`),
/// `[[template_rule]]` (`for` a list or a `${…}` reference, `${item}` in its topic), a file-wide `if`. Unknown fields
/// are refused, as thin-edge refuses them. Values may hold `${config.*}`, `${mapper.*}` and `${connection.*}`,
/// expanded later (`BridgeRuleExpansion`) against the configuration in force.
public struct BridgeRuleFile: Sendable {
    public enum Direction: String, Sendable {
        case outbound, inbound, bidirectional
    }

    /// What a `[[template_rule]]` iterates over.
    enum Loop: Sendable {
        case items([String])
        /// `for = "${config.c8y.smartrest.templates}"`: the value's comma-separated items.
        case reference(String)
    }

    struct Rule: Sendable {
        var topic: String
        var direction: Direction
        var localPrefix: String?
        var remotePrefix: String?
        var condition: String?
        /// Set for a `[[template_rule]]`.
        var loop: Loop?
        /// The line of its `topic` (where `tedge mapper verify` points).
        var line: Int?
    }

    static let ruleFields = ["local_prefix", "remote_prefix", "topic", "direction", "if"]
    static let fileFields = ["local_prefix", "remote_prefix", "rule", "template_rule", "if"]
    static let fieldsRule = "bridge rule files use thin-edge's fields"
    static let ruleRule = "bridge rules have a topic and a direction"

    let path: String
    var localPrefix: String?
    var remotePrefix: String?
    var condition: String?
    var conditionLine: Int?
    /// Where each file-level key was written.
    var lines: [String: Int] = [:]
    var rules: [Rule] = []

    init(parsing table: TOMLTable, path: String, reader: inout DefinitionReader) {
        self.path = path
        reader.refuseUnknownFields(table, allowed: Self.fileFields, within: nil, rule: Self.fieldsRule)
        localPrefix = reader.string(table, "local_prefix")
        remotePrefix = reader.string(table, "remote_prefix")
        condition = reader.string(table, "if")
        conditionLine = table.lines["if"]
        lines = table.lines
        for rule in reader.tables(table, "rule") {
            if let parsed = Self.rule(rule, template: false, reader: &reader) { rules.append(parsed) }
        }
        for rule in reader.tables(table, "template_rule") {
            if let parsed = Self.rule(rule, template: true, reader: &reader) { rules.append(parsed) }
        }
    }

    private static func rule(_ table: TOMLTable, template: Bool, reader: inout DefinitionReader) -> Rule? {
        let kind = template ? "[[template_rule]]" : "[[rule]]"
        reader.refuseUnknownFields(table, allowed: ruleFields + (template ? ["for"] : []), within: kind, rule: fieldsRule)
        // A rule's place: its topic's line, else its first key's.
        let line = table.lines["topic"] ?? table.entries.first.flatMap { table.lines[$0.key] }
        let topic = reader.string(table, "topic", within: kind)
        let directionText = reader.string(table, "direction", within: kind)
        let direction = directionText.flatMap(Direction.init(rawValue:))
        if topic == nil { reader.problem(ruleRule, "\(kind) has no `topic`", line: line) }
        if directionText == nil {
            reader.problem(ruleRule, "\(kind) has no `direction` (outbound, inbound or bidirectional)", line: line)
        } else if direction == nil {
            reader.problem(
                ruleRule, "`direction` must be outbound, inbound or bidirectional, not \"\(directionText ?? "")\"",
                line: table.lines["direction"])
        }
        var loop: Loop?
        if template {
            if case .string(let reference)? = table["for"] {
                loop = .reference(reference)
            } else if let items = table["for"]?.stringArray {
                loop = .items(items)
            } else {
                reader.problem(
                    ruleRule, "\(kind) needs `for`: a list of strings or a \"${…}\" reference", line: table.lines["for"] ?? line)
            }
        }
        guard let topic, let direction, !template || loop != nil else { return nil }
        return Rule(
            topic: topic, direction: direction, localPrefix: reader.string(table, "local_prefix", within: kind),
            remotePrefix: reader.string(table, "remote_prefix", within: kind),
            condition: reader.string(table, "if", within: kind),
            loop: loop, line: line)
    }
}
