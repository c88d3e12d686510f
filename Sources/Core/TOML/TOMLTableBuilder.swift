/// Places headers and key/value pairs into a tree by TOML 1.0's rules: a table is defined once (by a
/// header or by dotted keys, not both), inline tables and plain arrays are closed, `[[x]]` appends to an
/// array of tables and later headers descend into its last element.
struct TOMLTableBuilder {
    struct Conflict: Error { let reason: String }

    private final class Node {
        enum Definition { case implicit, header, dotted }
        enum Item {
            case value(TOMLValue)
            case table(Node)
            case tables([Node])
        }

        var definition: Definition
        var items: [(key: String, item: Item)] = []
        var lines: [String: Int] = [:]

        init(_ definition: Definition) { self.definition = definition }

        subscript(key: String) -> Item? { items.first { $0.key == key }?.item }

        func set(_ key: String, _ item: Item, line: Int) {
            if let index = items.firstIndex(where: { $0.key == key }) {
                items[index].item = item
            } else {
                items.append((key, item))
                lines[key] = line
            }
        }

        var table: TOMLTable {
            TOMLTable(
                entries: items.map { entry in
                    switch entry.item {
                    case .value(let value): return (entry.key, value)
                    case .table(let node): return (entry.key, .table(node.table))
                    case .tables(let nodes): return (entry.key, .array(nodes.map { .table($0.table) }))
                    }
                }, lines: lines)
        }
    }

    private let root = Node(.header)
    private var current: Node

    init() { current = root }

    var table: TOMLTable { root.table }

    /// `[a.b]` or, with `array`, `[[a.b]]`.
    mutating func header(_ keys: [String], array: Bool, line: Int) throws(Conflict) {
        var node = root
        for key in keys.dropLast() {
            switch node[key] {
            case nil:
                let child = Node(.implicit)
                node.set(key, .table(child), line: line)
                node = child
            case .table(let child)?: node = child
            case .tables(let children)?: node = children[children.count - 1]
            case .value(.table)?: throw Conflict(reason: "cannot add to the inline table `\(key)`")
            case .value?: throw Conflict(reason: "`\(key)` is not a table")
            }
        }
        let key = keys[keys.count - 1]
        let name = keys.joined(separator: ".")
        switch (node[key], array) {
        case (nil, _):
            let child = Node(.header)
            node.set(key, array ? .tables([child]) : .table(child), line: line)
            current = child
        case (.tables(let children)?, true):
            let child = Node(.header)
            node.set(key, .tables(children + [child]), line: line)
            current = child
        case (.table(let child)?, false) where child.definition == .implicit:
            child.definition = .header
            current = child
        case (.table?, false), (.tables?, false): throw Conflict(reason: "duplicate table [\(name)]")
        case (_, true): throw Conflict(reason: "`\(name)` is not an array of tables")
        case (.value?, false): throw Conflict(reason: "duplicate key `\(key)`")
        }
    }

    /// `a.b.c = value` in the current table.
    func assign(_ keys: [String], _ value: TOMLValue, line: Int) throws(Conflict) {
        var node = current
        for key in keys.dropLast() {
            switch node[key] {
            case nil:
                let child = Node(.dotted)
                node.set(key, .table(child), line: line)
                node = child
            case .table(let child)? where child.definition != .header: node = child
            case .table?: throw Conflict(reason: "duplicate table `\(key)`")
            case .value(.table)?: throw Conflict(reason: "cannot add to the inline table `\(key)`")
            case .value?, .tables?: throw Conflict(reason: "`\(key)` is not a table")
            }
        }
        let key = keys[keys.count - 1]
        guard node[key] == nil else { throw Conflict(reason: "duplicate key `\(key)`") }
        node.set(key, .value(value), line: line)
    }
}
