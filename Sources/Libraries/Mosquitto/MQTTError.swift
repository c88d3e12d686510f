/// MQTT failures, worded for people (the CLI prints them as the `Caused by:` line).
public enum MQTTError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The TCP connection could not be made; `detail` is like `I/O: Connection refused (os error 111)`.
    case connection(String)
    /// The broker answered CONNECT with a refusal.
    case refused(String)
    case timeout(String)
    case protocolError(String)
    case disconnected

    public var description: String {
        switch self {
        case .connection(let detail): return "MQTT connection error: \(detail)"
        case .refused(let detail): return "MQTT connection refused: \(detail)"
        case .timeout(let what): return "Timed out waiting for \(what)"
        case .protocolError(let detail): return "MQTT error: \(detail)"
        case .disconnected: return "MQTT connection closed"
        }
    }

    /// Hint printed after the cause when the local broker is probably down.
    public var hint: String? {
        switch self {
        case .connection, .disconnected, .timeout: return "Is MQTT server running?"
        default: return nil
        }
    }
}
