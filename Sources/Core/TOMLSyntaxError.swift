/// Where and why a TOML text could not be read. Lines and columns count from 1.
public struct TOMLSyntaxError: Error, Equatable, CustomStringConvertible, Sendable {
    public let line: Int
    public let column: Int
    public let reason: String

    public var description: String { "\(reason) at line \(line) column \(column)" }
}
