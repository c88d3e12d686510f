/// Why a topic is not a `te/` entity topic (thin-edge's texts, including its "Fist" typo).
public enum EntityTopicError: Error, Equatable, Sendable, CustomStringConvertible {
    case root(expected: String, got: String)
    case topicID(EntityTopicID.ParseError)
    case channel(Channel.ParseError)

    /// The whole chain, as thin-edge's mappers report it: `Channel group invalid: Invalid category: "x"`.
    public var description: String {
        switch self {
        case .root(let expected, let got): return "Fist topic segment expected to be \(expected.debugQuoted), got \(got.debugQuoted)"
        case .topicID(let error): return "Invalid entity topic identifier: \(error)"
        case .channel(let error): return "Channel group invalid: \(error)"
        }
    }
}
