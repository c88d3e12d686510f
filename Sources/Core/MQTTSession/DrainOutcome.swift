/// How a stop ended, so the caller can tell whether everything received was forwarded and acknowledged.
public enum DrainOutcome: Equatable, Sendable {
    /// Every output acknowledged, every input acknowledged, final messages acknowledged, DISCONNECT sent.
    case completed
    /// The drain timeout passed with outputs (or final messages) unacknowledged; the broker redelivers the
    /// unacknowledged inputs to the next session.
    case timedOut(unacknowledgedOutputs: Int, finalMessagesAcknowledged: Bool)
    /// The connection was lost during the drain, or there was none when the stop came.
    case notConnected

    public var isComplete: Bool { self == .completed }
}
