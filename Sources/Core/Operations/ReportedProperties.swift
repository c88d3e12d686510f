import TedgeProviderAPI

/// The device's twin fragments (`te/<device>/twin/<fragment>`, retained) on their way to the cloud's reported
/// properties: changes are coalesced (a burst of retained messages makes one patch), one patch is in flight at a
/// time, an accepted patch (2xx) settles what it carried, a refused one (4xx but 429) is dropped, and a failed or
/// unanswered one is sent again with backoff, merged with what changed since.
struct ReportedProperties {
    struct InFlight: Equatable {
        var requestID: String
        var sent: [String: JSONValue]
        var deadline: Int64
    }

    enum Answer: Equatable {
        case accepted
        case refused
        case retrying(atMilliseconds: Int64)
    }

    /// How long changes are collected before a patch goes.
    static let coalescingMilliseconds: Int64 = 200

    private(set) var fragments: [String: JSONValue] = [:]
    private(set) var pending: [String: JSONValue] = [:]
    private(set) var inFlight: InFlight?
    private(set) var sendAt: Int64?
    private var failures = 0

    /// A fragment's new value (nil: the fragment was removed, reported as `null`).
    mutating func fragmentChanged(_ name: String, to value: JSONValue?, now: Int64) {
        guard !DesiredProperties.same(fragments[name], value) else { return }
        fragments[name] = value
        pending[name] = value ?? .null
        schedule(now + Self.coalescingMilliseconds)
    }

    /// Everything the device reports, again (the link to the cloud came back).
    mutating func resendAll(now: Int64) {
        for (name, value) in fragments { pending[name] = value }
        if let inFlight { for (name, value) in inFlight.sent where pending[name] == nil { pending[name] = value } }
        inFlight = nil
        if !pending.isEmpty { schedule(now) }
    }

    /// The patch due now, marked in flight under `requestID`; nil while another is in flight, before its time or
    /// with nothing to send.
    mutating func takePatch(now: Int64, requestID: String, answerWithin timeout: Int64) -> JSONValue? {
        guard inFlight == nil, let due = sendAt, now >= due, !pending.isEmpty else { return nil }
        let sent = pending
        pending = [:]
        sendAt = nil
        inFlight = InFlight(requestID: requestID, sent: sent, deadline: now + timeout)
        return .object(sent.keys.sorted().map { ($0, sent[$0]!) })
    }

    func isAwaiting(_ requestID: String) -> Bool { inFlight?.requestID == requestID }

    /// Whether `takePatch` would give one now.
    func isDue(now: Int64) -> Bool { inFlight == nil && !pending.isEmpty && sendAt.map { now >= $0 } == true }

    mutating func answered(status: Int, now: Int64) -> Answer {
        if (200..<300).contains(status) || ((400..<500).contains(status) && status != 429) {
            inFlight = nil
            failures = 0
            if !pending.isEmpty { schedule(now) }
            return (200..<300).contains(status) ? .accepted : .refused
        }
        return .retrying(atMilliseconds: retry(now: now))
    }

    /// An unanswered patch past its deadline is sent again; returns whether one was.
    mutating func tick(now: Int64) -> Bool {
        guard let inFlight, now >= inFlight.deadline else { return false }
        _ = retry(now: now)
        return true
    }

    func nextDeadline() -> Int64? {
        guard let inFlight else { return sendAt }
        return inFlight.deadline
    }

    /// Puts back what was sent (unless newer values replaced it) and waits 1, 2, 4 … 60 s.
    private mutating func retry(now: Int64) -> Int64 {
        if let inFlight { for (name, value) in inFlight.sent where pending[name] == nil { pending[name] = value } }
        inFlight = nil
        failures += 1
        let at = now + min(60_000, 1_000 << min(failures - 1, 6))
        sendAt = at
        return at
    }

    private mutating func schedule(_ at: Int64) { sendAt = min(sendAt ?? at, at) }
}
