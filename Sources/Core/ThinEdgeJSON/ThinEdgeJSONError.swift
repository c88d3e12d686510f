/// Why a payload is not Thin Edge JSON: the rule broken, where (line, column, from 1; column 0
/// means the start of the line) and an excerpt of the input from there. Published on `tedge/errors`.
public struct ThinEdgeJSONError: Error, Equatable, CustomStringConvertible, Sendable {
    public let reason: String
    public let line: Int
    public let column: Int
    public let excerpt: String

    public var description: String { "Invalid JSON: \(reason) at line \(line) column \(column): `\(excerpt)`" }

    /// The input from line `line`, after skipping `column - 1` characters, at most `maxCharacters` long.
    public static func excerpt(of text: String, line: Int, column: Int, maxCharacters: Int = 80) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        lines = lines.dropFirst(max(0, line - 1))
        let rest = lines.joined(separator: "\n")
        return String(rest.dropFirst(max(0, column - 1)).prefix(maxCharacters))
    }
}
