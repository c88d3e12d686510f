/// Where and why a TOML text could not be read. Lines and columns count from 1.
public struct TOMLSyntaxError: Error, Equatable, CustomStringConvertible, Sendable {
    public let line: Int
    public let column: Int
    public let reason: String

    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String { "\(reason) at line \(line) column \(column)" }
}
