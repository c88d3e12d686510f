/// When to try connecting again: 100 ms after a failure, doubling to 500 ms, back to 100 ms once connected, so
/// the forwarder connects within a second of its broker listening. Each failure reason is logged once.
struct ReconnectBackoff {
    static let firstDelay: Int64 = 100
    static let maximumDelay: Int64 = 500

    private(set) var delay = ReconnectBackoff.firstDelay
    private var lastFailure: String?

    /// Records a failed attempt; true when its reason differs from the previous one (a mapper started before its
    /// broker must not flood the log).
    mutating func recordFailure(_ reason: String) -> Bool {
        defer { lastFailure = reason }
        return lastFailure != reason
    }

    /// The time of the next attempt; the one after waits twice as long.
    mutating func nextAttempt(after now: Int64) -> Int64 {
        defer { delay = min(delay * 2, ReconnectBackoff.maximumDelay) }
        return now + delay
    }

    mutating func reset() {
        delay = ReconnectBackoff.firstDelay
        lastFailure = nil
    }
}
