/// The outcome of one non-blocking read.
public enum TransportReadResult: Equatable, Sendable {
    case bytes(Int)
    case wouldBlock
    case endOfStream
    case failed(String)
}
