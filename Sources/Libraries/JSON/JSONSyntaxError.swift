/// Where jansson stopped reading, and why. Line and column count from 1; `offset` is in bytes.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public let line: Int
    public let column: Int
    public let offset: Int

    public var description: String { "\(reason) at line \(line) column \(column)" }
}
