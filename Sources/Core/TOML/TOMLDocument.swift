/// A TOML document limited to what tedge's files need: tables, dotted keys, strings, integers,
/// booleans and arrays. Anything else is rejected with its line and column rather than guessed at.
/// Tables and keys keep their source order, so a rewritten file stays recognisable.
public struct TOMLDocument: Equatable, Sendable {
    public struct Table: Equatable, Sendable {
        public var name: String
        public var entries: [(key: String, value: TOMLValue)]

        public static func == (lhs: Table, rhs: Table) -> Bool {
            lhs.name == rhs.name && lhs.entries.map(\.key) == rhs.entries.map(\.key)
                && lhs.entries.map(\.value) == rhs.entries.map(\.value)
        }
    }

    /// Tables in order; the unnamed root table, when it has entries, comes first with name "".
    public var tables: [Table]

    public init(tables: [Table] = []) { self.tables = tables }

    public func value(table: String, key: String) -> TOMLValue? {
        tables.first { $0.name == table }?.entries.first { $0.key == key }?.value
    }

    public mutating func set(table: String, key: String, value: TOMLValue) {
        if let t = tables.firstIndex(where: { $0.name == table }) {
            if let e = tables[t].entries.firstIndex(where: { $0.key == key }) {
                tables[t].entries[e].value = value
            } else {
                tables[t].entries.append((key, value))
            }
        } else {
            tables.append(Table(name: table, entries: [(key, value)]))
        }
    }

    public mutating func remove(table: String, key: String) {
        guard let t = tables.firstIndex(where: { $0.name == table }) else { return }
        tables[t].entries.removeAll { $0.key == key }
        if tables[t].entries.isEmpty { tables.remove(at: t) }
    }

    /// TOML source text: the root table's keys first (a key after a header would belong to that
    /// table), then one `[table]` block per table, `key = value` lines.
    public var text: String {
        var blocks: [String] = []
        let ordered = tables.filter { $0.name.isEmpty } + tables.filter { !$0.name.isEmpty }
        for table in ordered where !table.entries.isEmpty {
            var lines: [String] = table.name.isEmpty ? [] : ["[\(table.name)]"]
            lines += table.entries.map { "\(TOMLDocument.keyText($0.key)) = \($0.value.tomlText)" }
            blocks.append(lines.joined(separator: "\n") + "\n")
        }
        return blocks.joined(separator: "\n")
    }

    static func keyText(_ key: String) -> String {
        let bare =
            !key.isEmpty
            && key.unicodeScalars.allSatisfy { TOMLParser.isBareKeyCharacter(UInt8(truncatingIfNeeded: $0.value)) && $0.isASCII }
        return bare ? key : TOMLValue.quote(key)
    }

    public init(parsing text: String) throws(TOMLSyntaxError) {
        var parser = TOMLParser(Array(text.utf8))
        self = try parser.parseDocument()
    }
}
