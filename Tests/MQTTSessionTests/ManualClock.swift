import TedgeMQTTSession

/// Time that moves only when a test says so: keep-alive and drain tests never sleep.
final class ManualClock: MonotonicClock {
    var milliseconds: Int64 = 1_000

    func advance(by delta: Int64) { milliseconds += delta }
}
