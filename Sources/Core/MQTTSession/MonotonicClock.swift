import Glibc

/// Milliseconds since an arbitrary start that never jumps; injected so tests drive time by hand.
public protocol MonotonicClock: AnyObject {
    var milliseconds: Int64 { get }
}

/// CLOCK_MONOTONIC: keep-alive and drain deadlines must not move when the wall clock is set.
public final class SystemMonotonicClock: MonotonicClock {
    public init() {}

    public var milliseconds: Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
