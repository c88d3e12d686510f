/// When the cloud session tries again (`CloudReconnectPolicy`), and which failures are worth a log line: each
/// reason once, until it changes or a connection succeeds.
struct CloudBackoff {
    let policy: CloudReconnectPolicy
    private(set) var delay: Int64
    /// Why the last attempt failed; nil once a connection succeeded.
    private(set) var lastFailure: String?
    private var connectedAt: Int64?

    init(policy: CloudReconnectPolicy) {
        self.policy = policy
        delay = policy.initialMilliseconds
    }

    /// True when the reason differs from the previous failure's.
    mutating func recordFailure(_ reason: String) -> Bool {
        defer { lastFailure = reason }
        return lastFailure != reason
    }

    mutating func connected(at now: Int64) {
        connectedAt = now
        lastFailure = nil
    }

    /// The time of the next attempt after a failure or a lost connection.
    mutating func nextAttempt(after now: Int64) -> Int64 {
        if let connectedAt, now - connectedAt >= policy.resetWindowMilliseconds { delay = policy.initialMilliseconds }
        connectedAt = nil
        defer { delay = min(delay * 2, policy.maximumMilliseconds) }
        return now + delay
    }
}
