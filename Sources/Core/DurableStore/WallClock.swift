import Glibc

/// Milliseconds since the Unix epoch: an enqueue time must mean the same after a reboot, which a
/// monotonic clock does not. Injected so tests set the time by hand.
public protocol WallClock: AnyObject {
    var millisecondsSinceEpoch: Int64 { get }
}

public final class SystemWallClock: WallClock {
    public init() {}

    public var millisecondsSinceEpoch: Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
