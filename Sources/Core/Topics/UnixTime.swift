import Glibc
import TedgeThinEdgeJSON

/// An instant as seconds and nanoseconds since the Unix epoch, with thin-edge's two JSON forms of a time:
/// float seconds (`unix`) and RFC 3339 in UTC (`rfc-3339`, as the `time` crate prints it).
public struct UnixTime: Comparable, Sendable {
    public let seconds: Int64
    /// 0 ..< 1_000_000_000.
    public let nanoseconds: Int64

    public static func < (lhs: UnixTime, rhs: UnixTime) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// The range thin-edge's `time` crate accepts (years -9999 to 9999).
    static let secondsRange: ClosedRange<Int64> = -377_705_116_800...253_402_300_799

    public init?(seconds: Int64, nanoseconds: Int64 = 0) {
        guard Self.secondsRange.contains(seconds), (0..<1_000_000_000).contains(nanoseconds) else { return nil }
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func now() -> UnixTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UnixTime(seconds: Int64(spec.tv_sec), nanoseconds: Int64(spec.tv_nsec))!
    }

    /// The instant an RFC 3339 text names (its offset applied).
    public init?(rfc3339 text: String) {
        guard let timestamp = try? Timestamp(rfc3339: text) else { return nil }
        self.init(timestamp)
    }

    public init?(_ timestamp: Timestamp) {
        let days = Self.daysFromCivil(year: timestamp.year, month: timestamp.month, day: timestamp.day)
        let seconds = days * 86_400 + Int64(timestamp.hour * 3600 + timestamp.minute * 60 + timestamp.second)
        self.init(seconds: seconds - Int64(timestamp.offsetSeconds), nanoseconds: Int64(timestamp.nanosecond))
    }

    /// A JSON number of seconds: integers as they are, decimals truncated to milliseconds (as thin-edge reads them).
    public init?(json value: JSONValue) {
        switch value {
        case .integer(let seconds): self.init(seconds: seconds)
        case .real(let seconds):
            let milliseconds = (seconds * 1000).rounded(.towardZero)
            guard milliseconds.isFinite, abs(milliseconds) < 1e17 else { return nil }
            let whole = Int64(milliseconds)
            let (quotient, remainder) = whole.quotientAndRemainder(dividingBy: 1000)
            let negative = remainder < 0
            self.init(seconds: negative ? quotient - 1 : quotient, nanoseconds: (negative ? remainder + 1000 : remainder) * 1_000_000)
        default: return nil
        }
    }

    /// Float seconds (`1765877875.135`), as thin-edge writes a `unix` time.
    public var unixSeconds: Double {
        let (total, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if !overflow, case let (sum, overflow) = total.addingReportingOverflow(nanoseconds), !overflow {
            return Double(sum) / 1e9
        }
        return (Double(seconds) * 1e9 + Double(nanoseconds)) / 1e9
    }

    /// `2026-01-14T15:29:23.338Z`: UTC, the fraction without trailing zeros; nil for years outside 0-9999.
    public var rfc3339: String? {
        let (days, secondOfDay) = { (d: Int64, s: Int64) in s < 0 ? (d - 1, s + 86_400) : (d, s) }(
            seconds / 86_400, seconds % 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        guard (0...9999).contains(year) else { return nil }
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
        text += "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if nanoseconds != 0 {
            var fraction = pad(nanoseconds, 9)
            while fraction.last == "0" { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
