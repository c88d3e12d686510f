import TedgeThinEdgeJSON

/// How `add-timestamp` writes a time: `unix` float seconds or an `rfc-3339` string.
public enum FlowTimeFormat: String, Sendable, CustomStringConvertible {
    case unix = "unix"
    case rfc3339 = "rfc-3339"

    /// `unix`, `rfc-3339` or `rfc3339`.
    public init?(parsing text: String) {
        switch text {
        case "unix": self = .unix
        case "rfc-3339", "rfc3339": self = .rfc3339
        default: return nil
        }
    }

    public var description: String { rawValue }

    /// The instant in this format; nil when it cannot be written so (a year beyond 9999 in RFC 3339).
    func json(_ time: FlowTime) -> JSONValue? {
        switch self {
        case .unix: return .real(time.unixSeconds)
        case .rfc3339: return time.rfc3339.map(JSONValue.string)
        }
    }

    /// An existing time in this format: a number stays as it is in `unix`, a string in `rfc-3339`; the
    /// other form is converted. Nil when the value is no time thin-edge reads.
    func reformat(_ value: JSONValue) -> JSONValue? {
        switch (value, self) {
        case (.integer, .unix), (.real, .unix), (.string, .rfc3339): return value
        case (.string(let text), _): return FlowTime(rfc3339: text).flatMap(json)
        case (.integer(let seconds), _): return FlowTime(seconds: seconds).flatMap(json)
        case (.real(let seconds), _): return FlowTime(unixSeconds: seconds).flatMap(json)
        default: return nil
        }
    }
}
