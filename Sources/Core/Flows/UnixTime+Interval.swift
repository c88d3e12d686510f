import TedgeThinEdgeJSON
import TedgeTopics

extension UnixTime {
    /// This instant `interval` seconds later, to the millisecond (as thin-edge reads float seconds).
    public func adding(seconds interval: Double) -> UnixTime { UnixTime(json: .real(unixSeconds + interval)) ?? self }

    /// Whether this instant is at or before `other`.
    func isNotAfter(_ other: UnixTime) -> Bool { (seconds, nanoseconds) <= (other.seconds, other.nanoseconds) }
}
