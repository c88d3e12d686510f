import TedgeThinEdgeJSON
import TedgeTopics

extension UnixTime {
    /// This instant `interval` seconds later, to the millisecond (as thin-edge reads float seconds).
    public func adding(seconds interval: Double) -> UnixTime { UnixTime(json: .real(unixSeconds + interval)) ?? self }
}
