/// The outcome of one non-blocking write; `.wrote` may be fewer bytes than offered.
public enum TransportWriteResult: Equatable, Sendable {
    case wrote(Int)
    case wouldBlock
    case failed(String)
}
