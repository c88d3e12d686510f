/// An error whose whole text is given (thin-edge's domain messages are reproduced verbatim).
public struct TedgeError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
