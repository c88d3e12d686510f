/// A TOML table as a tree: what a full TOML file (a flow, `params.toml`, `mapper.toml`) holds, with
/// inline tables, arrays of tables and floats. Keys keep their source order and the line that defined
/// them, so a message about a value can point into the file.
public struct TOMLTable: Equatable, Sendable {
    public var entries: [(key: String, value: TOMLValue)]
    /// The line each key was written on (not part of equality).
    public var lines: [String: Int]

    public init(entries: [(key: String, value: TOMLValue)] = [], lines: [String: Int] = [:]) {
        self.entries = entries
        self.lines = lines
    }

    /// Reads a whole TOML 1.0 document, except dates and times, which are refused with their position.
    public init(parsing text: String) throws(TOMLSyntaxError) {
        var parser = TOMLParser(Array(text.utf8), full: true)
        self = try parser.parseTable()
    }

    public subscript(key: String) -> TOMLValue? { entries.first { $0.key == key }?.value }

    /// The value at a dotted path of table keys (`["output", "mqtt", "topic"]`).
    public func value(at path: [String]) -> TOMLValue? {
        guard let first = path.first, let value = self[first] else { return nil }
        if path.count == 1 { return value }
        guard case .table(let inner) = value else { return nil }
        return inner.value(at: Array(path.dropFirst()))
    }

    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
