import TedgeMessaging
import TedgeThinEdgeJSON

/// A step's `config` (the flow's shared `config` merged in, plus `interval`), read the way thin-edge's
/// builtins read it: a property of the wrong type counts as absent.
struct FlowStepConfig {
    let value: JSONValue

    private func property(_ key: String) -> JSONValue? { FlowJSON.members(value).first { $0.key == key }?.value }

    func string(_ key: String) -> String? {
        if case .string(let text)? = property(key) { return text }
        return nil
    }

    func bool(_ key: String) -> Bool? {
        if case .boolean(let flag)? = property(key) { return flag }
        return nil
    }

    /// A non-negative integer (a float such as `1.0` is not one, as serde's `as_u64` has it).
    func unsignedInteger(_ key: String) -> Int? {
        if case .integer(let number)? = property(key), number >= 0 { return Int(number) }
        return nil
    }

    /// One string or the strings of an array; nil when absent.
    func strings(_ key: String) -> [String]? {
        switch property(key) {
        case nil: return nil
        case .string(let text)?: return [text]
        case .array(let items)?:
            return items.compactMap {
                if case .string(let text) = $0 { return text }
                return nil
            }
        default: return []
        }
    }

    func topicFilters(_ key: String) throws(FlowLoadError) -> [MQTTTopicFilter]? {
        guard let patterns = strings(key) else { return nil }
        var filters: [MQTTTopicFilter] = []
        for pattern in patterns {
            guard let filter = MQTTTopicFilter(pattern) else { throw .incorrectTopicFilter(pattern) }
            filters.append(filter)
        }
        return filters
    }
}
