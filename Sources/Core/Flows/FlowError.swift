/// Why a flow could not process a message; published on the flow's errors topic as
/// `Error in <flow file>: <description>`.
public enum FlowError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A step refused this message (too large, a time it cannot read…).
    case unsupportedMessage(String)
    /// A step cannot process any message as configured (a script that fails, or hits a limit).
    case incorrectSetting(String)
    /// A script returned something that is not messages.
    case invalidResult(String)

    public var description: String {
        switch self {
        case .unsupportedMessage(let reason): return "Input message cannot be processed: \(reason)"
        case .incorrectSetting(let reason): return "No messages can be processed due to an incorrect setting: \(reason)"
        case .invalidResult(let reason): return reason
        }
    }
}
