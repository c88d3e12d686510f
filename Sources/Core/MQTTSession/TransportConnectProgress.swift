/// Where a non-blocking connect stands.
public enum TransportConnectProgress: Equatable, Sendable {
    case connected
    case inProgress
    case failed(String)
}
