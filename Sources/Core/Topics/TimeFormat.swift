import TedgeThinEdgeJSON

/// How thin-edge writes a time (`service.timestamp_format`, `az.mapper.timestamp_format`, …): `unix` float
/// seconds or an `rfc-3339` string.
public enum TimeFormat: String, Sendable, CaseIterable, CustomStringConvertible {
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

    /// thin-edge's refusal of any other value.
    public static func invalidValueText(_ text: String) -> String {
        "Failed to parse flag: \(text). Supported values are: 'rfc-3339' or 'unix'"
    }

    public var description: String { rawValue }

    /// The instant in this format; nil when it cannot be written so (a year beyond 9999 in RFC 3339).
    public func json(_ time: UnixTime) -> JSONValue? {
        switch self {
        case .unix: return .real(time.unixSeconds)
        case .rfc3339: return time.rfc3339.map(JSONValue.string)
        }
    }

    /// An existing `time` in this format: a number stays as it is in `unix`, a string in `rfc-3339`; the other
    /// form is converted. nil when the value is no time thin-edge reads.
    public func reformat(_ value: JSONValue) -> JSONValue? {
        switch (value, self) {
        case (.integer, .unix), (.real, .unix), (.string, .rfc3339): return value
        case (.string(let text), _): return UnixTime(rfc3339: text).flatMap(json)
        default: return UnixTime(json: value).flatMap(json)
        }
    }
}
