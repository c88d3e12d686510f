/// Counters since the forwarder started, across reconnections.
public struct MessageForwarderStatistics: Equatable, Sendable {
    public internal(set) var connections = 0
    public internal(set) var inputsReceived = 0
    public internal(set) var inputsAcknowledged = 0
    public internal(set) var outputsPublished = 0
}
