/// A valid Thin Edge JSON measurement record: values in input order, optional timestamp.
public struct ThinEdgeMeasurement: Equatable, Sendable {
    public enum Entry: Equatable, Sendable {
        case single(name: String, value: Double)
        case group(name: String, values: [(name: String, value: Double)])

        public static func == (lhs: Entry, rhs: Entry) -> Bool {
            switch (lhs, rhs) {
            case (.single(let a, let x), .single(let b, let y)): return a == b && x == y
            case (.group(let a, let x), .group(let b, let y)):
                return a == b && x.count == y.count && zip(x, y).allSatisfy { $0.name == $1.name && $0.value == $1.value }
            default: return false
            }
        }
    }

    public var entries: [Entry]
    public var time: Timestamp?
    /// How many entries came before `time` in the input, so output keeps its place.
    public var timePosition: Int

    /// One member of the record in input order: a measurement, or the timestamp where it stood.
    public enum Field: Sendable {
        case entry(Entry)
        case time(Timestamp)
    }

    /// The record as it was written: entries with the timestamp at its place (serialisers walk this).
    public var fieldsInInputOrder: [Field] {
        var fields = entries.map(Field.entry)
        if let time { fields.insert(.time(time), at: min(timePosition, fields.count)) }
        return fields
    }

    public init(entries: [Entry], time: Timestamp? = nil, timePosition: Int = 0) {
        self.entries = entries
        self.time = time
        self.timePosition = timePosition
    }
}
