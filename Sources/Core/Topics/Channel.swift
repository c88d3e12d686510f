/// What a `te/` topic carries, from the part after the entity id (thin-edge's complete list).
public enum Channel: Hashable, Sendable, CustomStringConvertible {
    /// `te/<id>`: the entity's registration (retained).
    case entityMetadata
    /// `twin/<fragment>` (retained).
    case twin(fragment: String)
    /// `config`: a service's exposed configuration (retained).
    case config
    case measurement(type: String)
    case measurementMetadata(type: String)
    case event(type: String)
    case eventMetadata(type: String)
    /// Alarms are retained: an empty payload clears one.
    case alarm(type: String)
    case alarmMetadata(type: String)
    /// `cmd/<op>`: the capability (retained).
    case commandMetadata(operation: OperationType)
    /// `cmd/<op>/<id>`: a command instance (retained).
    case command(operation: OperationType, id: String)
    case signal(SignalType)
    /// `status/health` (retained).
    case health
    /// `status/<component>` other than health.
    case status(component: String)

    /// A channel that is not one of thin-edge's (the text after the id, in thin-edge's words).
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case invalidCategory(String)

        public var description: String {
            switch self {
            case .invalidCategory(let channel): return "Invalid category: \(channel.debugQuoted)"
            }
        }
    }

    /// Parses the text after the id and its `/` (empty for a registration).
    public init(_ text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1 where parts[0].isEmpty: self = .entityMetadata
        case 1 where parts[0] == "config": self = .config
        case 2:
            switch parts[0] {
            case "twin": self = .twin(fragment: parts[1])
            case "m": self = .measurement(type: parts[1])
            case "e": self = .event(type: parts[1])
            case "a": self = .alarm(type: parts[1])
            case "cmd": self = .commandMetadata(operation: OperationType(parts[1]))
            case "signal": self = .signal(SignalType(parts[1]))
            case "status": self = parts[1] == "health" ? .health : .status(component: parts[1])
            default: throw .invalidCategory(text)
            }
        case 3 where parts[2] == "meta" && ["m", "e", "a"].contains(parts[0]):
            switch parts[0] {
            case "m": self = .measurementMetadata(type: parts[1])
            case "e": self = .eventMetadata(type: parts[1])
            default: self = .alarmMetadata(type: parts[1])
            }
        case 3 where parts[0] == "cmd":
            self = .command(operation: OperationType(parts[1]), id: parts[2])
        default:
            throw .invalidCategory(text)
        }
    }

    /// The text after the id (empty for a registration).
    public var description: String {
        switch self {
        case .entityMetadata: return ""
        case .twin(let fragment): return "twin/\(fragment)"
        case .config: return "config"
        case .measurement(let type): return "m/\(type)"
        case .measurementMetadata(let type): return "m/\(type)/meta"
        case .event(let type): return "e/\(type)"
        case .eventMetadata(let type): return "e/\(type)/meta"
        case .alarm(let type): return "a/\(type)"
        case .alarmMetadata(let type): return "a/\(type)/meta"
        case .commandMetadata(let operation): return "cmd/\(operation)"
        case .command(let operation, let id): return "cmd/\(operation)/\(id)"
        case .signal(let signal): return "signal/\(signal)"
        case .health: return "status/health"
        case .status(let component): return "status/\(component)"
        }
    }

    /// Measurements, events, alarms and health: what the Azure and AWS mappers forward.
    public var isTelemetry: Bool {
        switch self {
        case .measurement, .event, .alarm, .health: return true
        default: return false
        }
    }
}
