/// Durations as thin-edge's configuration writes them (`500ms`, `5s`, `10m`, `1h`, `2d`; a bare number is
/// seconds), in milliseconds.
public enum DurationText {
    public static func milliseconds(_ text: String) -> Int64? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int64(digits) else { return nil }
        let factor: Int64
        switch text.dropFirst(digits.count) {
        case "ms": factor = 1
        case "", "s": factor = 1_000
        case "m": factor = 60_000
        case "h": factor = 3_600_000
        case "d": factor = 86_400_000
        default: return nil
        }
        let (result, overflow) = number.multipliedReportingOverflow(by: factor)
        return overflow ? nil : result
    }
}
