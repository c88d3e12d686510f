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

    /// Visits the record as it was written: entries with the timestamp at its place, then `appendedTime`
    /// when the record has none of its own. Serialisers walk this; nothing is allocated per message.
    public func forEachField(appendingTime appendedTime: Timestamp? = nil, _ body: (Field) -> Void) {
        for (index, entry) in entries.enumerated() {
            if index == timePosition, let time { body(.time(time)) }
            body(.entry(entry))
        }
        if timePosition >= entries.count, let time { body(.time(time)) }
        if time == nil, let appendedTime { body(.time(appendedTime)) }
    }

    public init(entries: [Entry], time: Timestamp? = nil, timePosition: Int = 0) {
        self.entries = entries
        self.time = time
        self.timePosition = timePosition
    }
}
