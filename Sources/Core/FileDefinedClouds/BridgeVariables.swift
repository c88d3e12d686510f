import TedgeProviderAPI

/// What `${…}` stands for in bridge rule files, as thin-edge 2.0 expands them: `${config.<key>}` (a `tedge config`
/// key, also written `${tedge.<key>}` as older files do), `${mapper.<key>}` (the mapper's `mapper.toml`),
/// `${connection.auth_method}`, and `${item}` in a template rule's topic. Conditions (`if`) are a boolean reference,
/// its negation with `!`, or `${connection.auth_method} == '<method>'`.
struct BridgeVariables: Sendable {
    let config: TedgeConfig
    let mapper: [String: String]
    let authMethod: String

    /// `text` with every `${…}` replaced, or why a reference cannot be.
    func expand(_ text: String, item: String? = nil) -> Result<String, TedgeError> {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(ofText: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                return .failure(TedgeError("`${` without a closing `}` in \"\(text)\""))
            }
            result += rest[..<start.lowerBound]
            let name = String(rest[start.upperBound..<end])
            if name == "item", let item {
                result += item
            } else {
                switch value(of: name) {
                case .success(let value): result += value
                case .failure(let reason): return .failure(reason)
                }
            }
            rest = rest[rest.index(after: end)...]
        }
        return .success(result + rest)
    }

    /// The value of `config.c8y.url`, `mapper.bridge.topic_prefix` or `connection.auth_method`.
    func value(of name: String) -> Result<String, TedgeError> {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            return .failure(
                TedgeError("`${\(name)}` names no variable (use ${config.…}, ${mapper.…} or ${connection.auth_method})"))
        }
        switch parts[0] {
        case "config", "tedge":
            guard let key = config.schema.key(named: parts[1]) else {
                return .failure(TedgeError("`${\(name)}`: `\(parts[1])` is not a tedge config key"))
            }
            guard let value = config.value(of: key) else {
                return .failure(TedgeError("`${\(name)}`: `\(parts[1])` has no value (tedge config set \(parts[1]) <value>)"))
            }
            return .success(value)
        case "mapper":
            guard let value = mapper[parts[1]] else {
                return .failure(TedgeError("`${\(name)}`: `\(parts[1])` is not set in mapper.toml"))
            }
            return .success(value)
        case "connection" where parts[1] == "auth_method":
            return .success(authMethod)
        default:
            return .failure(
                TedgeError("`${\(name)}` names no variable (use ${config.…}, ${mapper.…} or ${connection.auth_method})"))
        }
    }

    /// A rule's or a file's `if`.
    func condition(_ text: String) -> Result<Bool, TedgeError> {
        let trimmed = text.trimmingSpaces
        if let separator = trimmed.firstRange(ofText: "==") {
            let left = String(trimmed[..<separator.lowerBound]).trimmingSpaces
            let right = String(trimmed[separator.upperBound...]).trimmingSpaces
            guard left == "${connection.auth_method}", right.count >= 2, right.first == "'", right.last == "'" else {
                return .failure(TedgeError("`\(text)`: a comparison is `${connection.auth_method} == '<method>'`"))
            }
            return .success(authMethod == String(right.dropFirst().dropLast()))
        }
        let negated = trimmed.hasPrefix("!")
        let reference = negated ? String(trimmed.dropFirst()).trimmingSpaces : trimmed
        guard reference.hasPrefix("${"), reference.hasSuffix("}") else {
            return .failure(
                TedgeError(
                    "`\(text)` is not a condition (use \"${config.<key>}\", \"!${config.<key>}\" or \"${connection.auth_method} == '<method>'\")"
                ))
        }
        switch value(of: String(reference.dropFirst(2).dropLast())) {
        case .failure(let reason): return .failure(reason)
        case .success("true"): return .success(!negated)
        case .success("false"): return .success(negated)
        case .success(let other): return .failure(TedgeError("`\(text)`: `\(other)` is not true or false"))
        }
    }

    /// A template rule's items: the list, or the comma-separated value of the reference.
    func items(_ loop: BridgeRuleFile.Loop) -> Result<[String], TedgeError> {
        switch loop {
        case .items(let items): return .success(items)
        case .reference(let reference):
            return expand(reference).map { $0.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty } }
        }
    }
}
