/// thin-edge's `mqtt.bridge.reconnect_policy.*`: the first retry after `initial`, each next one twice as late up
/// to `maximum`, back to `initial` once a connection has lasted `resetWindow`. Milliseconds.
public struct CloudReconnectPolicy: Sendable, Equatable {
    public var initialMilliseconds: Int64
    public var maximumMilliseconds: Int64
    public var resetWindowMilliseconds: Int64

    public init(initialMilliseconds: Int64 = 5_000, maximumMilliseconds: Int64 = 600_000, resetWindowMilliseconds: Int64 = 300_000) {
        self.initialMilliseconds = max(initialMilliseconds, 1)
        self.maximumMilliseconds = max(maximumMilliseconds, self.initialMilliseconds)
        self.resetWindowMilliseconds = resetWindowMilliseconds
    }
}
