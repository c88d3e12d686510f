/// An error that adds context to an underlying one, printed as two causes.
public struct CausedError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let underlying: any Error

    public init(_ message: String, underlying: any Error) {
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
