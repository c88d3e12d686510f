import TedgeTOML
import TedgeTopics

/// What a config key holds, and how a string typed by the user becomes a stored value.
public enum ConfigValueKind: Sendable, Equatable {
    case string
    case path
    /// A bare host, optionally with `:port` (the cloud's MQTT port); a scheme is refused.
    case connectURL
    case port
    case flag
    case ipAddress
    case positiveInteger
    /// `unix` or `rfc-3339` (`rfc3339` accepted): how thin-edge writes a time.
    case timeFormat
    /// A `te/` entity topic id, padded to 4 segments (`device/child_001` is stored as `device/child_001//`).
    case entityTopicID
    /// A duration as thin-edge writes it: `500ms`, `5s`, `10m`, `1h`, `2d`, or bare seconds (`DurationText`).
    case duration
    /// A local topic prefix (`az`, `az-second`): one topic level, no wildcard.
    case topicPrefix

    /// Validates `raw` and returns what goes into tedge.toml; the error text is the user-facing reason.
    /// `example` is the host name a URL error shows as the right form.
    public func parse(_ raw: String, example: String? = nil) throws(TedgeError) -> TOMLValue {
        try ControlCharacters.refuse(in: raw, what: "The value")
        switch self {
        case .string, .path:
            guard !raw.isEmpty else { throw TedgeError("The value must not be empty.") }
            return .string(raw)
        case .connectURL:
            _ = try HostAndPort(parsing: raw, defaultPort: 8883, example: example ?? HostAndPort.genericExample)
            return .string(raw)
        case .port:
            guard let port = UInt16(raw), raw.allSatisfy(\.isASCII) else { throw TedgeError("Invalid port number: '\(raw)'.") }
            return .integer(Int(port))
        case .flag:
            switch raw {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: throw TedgeError("Failed to parse flag: \(raw). Supported values are: true, false")
            }
        case .ipAddress:
            guard IPAddress.isValid(raw) else { throw TedgeError("Invalid ip address: '\(raw)'.") }
            return .string(raw)
        case .positiveInteger:
            guard let number = Int(raw), number > 0, raw.allSatisfy(\.isASCII) else {
                throw TedgeError("Invalid number: '\(raw)'. A positive integer is expected.")
            }
            return .integer(number)
        case .timeFormat:
            guard TimeFormat(parsing: raw) != nil else { throw TedgeError(TimeFormat.invalidValueText(raw)) }
            return .string(raw)
        case .entityTopicID:
            do { return .string(try EntityTopicID(raw).description) } catch { throw TedgeError(error.description) }
        case .duration:
            guard DurationText.milliseconds(raw) != nil else {
                throw TedgeError("Invalid duration: '\(raw)'. Expected a number with a unit (ms, s, m, h, d), e.g. 5s or 10m.")
            }
            return .string(raw)
        case .topicPrefix:
            guard Self.isTopicPrefix(raw) else {
                throw TedgeError(
                    "Invalid topic prefix: '\(raw)'. A topic prefix is one topic level: not empty, no '/', '+' or '#'.")
            }
            return .string(raw)
        }
    }

    static func isTopicPrefix(_ text: String) -> Bool {
        !text.isEmpty && !text.contains { $0 == "/" || $0 == "+" || $0 == "#" || $0 == "\u{0}" }
    }

    /// Whether a value read from tedge.toml has the right TOML type for this kind.
    func accepts(_ value: TOMLValue) -> Bool {
        switch (self, value) {
        case (.port, .integer(let n)): return (0...65535).contains(n)
        case (.positiveInteger, .integer(let n)): return n > 0
        case (.flag, .boolean): return true
        case (.string, .string), (.path, .string), (.connectURL, .string), (.ipAddress, .string): return true
        case (.timeFormat, .string(let text)): return TimeFormat(parsing: text) != nil
        case (.entityTopicID, .string(let text)): return (try? EntityTopicID(text)) != nil
        case (.duration, .string(let text)): return DurationText.milliseconds(text) != nil
        case (.topicPrefix, .string(let text)): return Self.isTopicPrefix(text)
        default: return false
        }
    }
}
