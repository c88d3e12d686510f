/// A step's `interval` (`"60s"`, `"1h 30m"`, `"500ms"`), in the units thin-edge's humantime reads.
enum FlowInterval {
    /// Seconds; nil when the text is empty; throws for anything else that is not a duration.
    static func seconds(_ text: String) throws(FlowLoadError) -> Double? {
        let trimmed = text.trimmingSpaces
        if trimmed.isEmpty { return nil }
        var total = 0.0
        var rest = Substring(trimmed)
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(digits.count).drop { $0 == " " }
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let number = Double(digits), let scale = Self.units[String(unit)] else { throw .incorrectInterval(text) }
            total += number * scale
            rest = rest.drop { $0 == " " }
        }
        return total
    }

    private static let units: [String: Double] = {
        var table: [String: Double] = [:]
        let groups: [([String], Double)] = [
            (["nsec", "ns"], 1e-9), (["usec", "us"], 1e-6), (["msec", "ms"], 1e-3),
            (["seconds", "second", "secs", "sec", "s"], 1), (["minutes", "minute", "mins", "min", "m"], 60),
            (["hours", "hour", "hrs", "hr", "h"], 3600), (["days", "day", "d"], 86_400), (["weeks", "week", "w"], 604_800),
        ]
        for (names, scale) in groups { for name in names { table[name] = scale } }
        return table
    }()
}
