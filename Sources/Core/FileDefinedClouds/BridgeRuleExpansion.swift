import TedgeProviderContract

/// The rules of a mapper's bridge files expanded against the configuration in force: the rules the bridge
/// carries (files in name order, rules in file order, template rules after plain ones as thin-edge lists them),
/// the ones skipped by a false `if` or an empty `for`, and the mistakes, each with its file and line.
public struct BridgeRuleExpansion: Sendable {
    public struct Skipped: Equatable, Sendable {
        public var location: DefinitionLocation
        public var reason: String
    }

    public private(set) var rules: [ExpandedBridgeRule] = []
    public private(set) var skipped: [Skipped] = []
    public private(set) var problems: [ContractViolation] = []

    static let variablesRule = "variables and conditions in bridge rules resolve"
    static let prefixRule = "bridge rules have both prefixes"

    init(files: [BridgeRuleFile], variables: BridgeVariables, cloud: String) {
        for file in files { expand(file, variables: variables, cloud: cloud) }
    }

    private mutating func expand(_ file: BridgeRuleFile, variables: BridgeVariables, cloud: String) {
        func problem(_ rule: String, _ detail: String, line: Int?) {
            problems.append(
                ContractViolation(
                    provider: cloud, rule: rule, detail: detail, location: DefinitionLocation(file: file.path, line: line)))
        }
        func expanded(_ text: String?, line: Int?, item: String? = nil) -> String? {
            guard let text else { return nil }
            switch variables.expand(text, item: item) {
            case .success(let value): return value
            case .failure(let reason):
                problem(Self.variablesRule, reason.description, line: line)
                return nil
            }
        }
        var fileEnabled = true
        if let condition = file.condition {
            switch variables.condition(condition) {
            case .success(let enabled): fileEnabled = enabled
            case .failure(let reason): problem(Self.variablesRule, reason.description, line: file.conditionLine)
            }
        }
        let fileLocal = expanded(file.localPrefix, line: file.lines["local_prefix"])
        let fileRemote = expanded(file.remotePrefix, line: file.lines["remote_prefix"])
        for rule in file.rules {
            let location = DefinitionLocation(file: file.path, line: rule.line)
            var enabled = fileEnabled
            if let condition = rule.condition {
                switch variables.condition(condition) {
                case .success(let ruleEnabled): enabled = enabled && ruleEnabled
                case .failure(let reason): problem(Self.variablesRule, reason.description, line: rule.line)
                }
            }
            let local = rule.localPrefix == nil ? fileLocal : expanded(rule.localPrefix, line: rule.line)
            let remote = rule.remotePrefix == nil ? fileRemote : expanded(rule.remotePrefix, line: rule.line)
            let kind = rule.loop == nil ? "rule" : "template_rule"
            // thin-edge's text for a prefix given neither in the rule nor at the top of the file.
            if rule.localPrefix == nil && file.localPrefix == nil {
                problem(
                    Self.prefixRule,
                    "Missing 'local_prefix' for \(kind): add 'local_prefix' to this \(kind), or define it globally at the top of the file",
                    line: rule.line)
            }
            if rule.remotePrefix == nil && file.remotePrefix == nil {
                problem(
                    Self.prefixRule,
                    "Missing 'remote_prefix' for \(kind): add 'remote_prefix' to this \(kind), or define it globally at the top of the file",
                    line: rule.line)
            }
            guard let local, let remote else { continue }
            var items: [String?] = [nil]
            if let loop = rule.loop {
                switch variables.items(loop) {
                case .success(let values): items = values
                case .failure(let reason):
                    problem(Self.variablesRule, reason.description, line: rule.line)
                    continue
                }
                if items.isEmpty {
                    skipped.append(Skipped(location: location, reason: "template rule generated no rules: iterator is empty"))
                }
            }
            for item in items {
                guard let topic = expanded(rule.topic, line: rule.line, item: item) else { break }
                let expandedRule = ExpandedBridgeRule(
                    localPrefix: local, remotePrefix: remote, topic: topic, direction: rule.direction, location: location)
                if enabled {
                    rules.append(expandedRule)
                } else {
                    skipped.append(Skipped(location: location, reason: "rule skipped: its condition is false"))
                }
            }
        }
    }
}
