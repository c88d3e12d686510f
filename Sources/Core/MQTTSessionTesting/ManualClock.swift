import TedgeMQTTSession

/// Time that moves only when a test says so: keep-alive and drain tests never sleep.
public final class ManualClock: MonotonicClock {
    public var milliseconds: Int64

    public init(milliseconds: Int64 = 1_000) { self.milliseconds = milliseconds }

    public func advance(by delta: Int64) { milliseconds += delta }
}
