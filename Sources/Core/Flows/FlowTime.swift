import Glibc
import TedgeThinEdgeJSON

/// An instant as seconds and nanoseconds since the Unix epoch: the processing time of a message, and
/// thin-edge's two JSON forms of a time (float seconds and RFC 3339 in UTC).
public struct FlowTime: Equatable, Comparable, Sendable {
    public let seconds: Int64
    /// 0 ..< 1_000_000_000.
    public let nanoseconds: Int64

    /// Years -9999 to 9999, what thin-edge's `time` crate accepts.
    static let secondsRange: ClosedRange<Int64> = -377_705_116_800...253_402_300_799

    public init?(seconds: Int64, nanoseconds: Int64 = 0) {
        guard Self.secondsRange.contains(seconds), (0..<1_000_000_000).contains(nanoseconds) else { return nil }
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func now() -> FlowTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return FlowTime(seconds: Int64(spec.tv_sec), nanoseconds: Int64(spec.tv_nsec))!
    }

    /// From float seconds, truncated to milliseconds (as thin-edge reads a JSON number of seconds).
    public init?(unixSeconds value: Double) {
        let milliseconds = (value * 1000).rounded(.towardZero)
        guard milliseconds.isFinite, abs(milliseconds) < 1e17 else { return nil }
        let (quotient, remainder) = Int64(milliseconds).quotientAndRemainder(dividingBy: 1000)
        let negative = remainder < 0
        self.init(seconds: negative ? quotient - 1 : quotient, nanoseconds: (negative ? remainder + 1000 : remainder) * 1_000_000)
    }

    /// The instant an RFC 3339 text names, its offset applied.
    public init?(rfc3339 text: String) {
        guard let stamp = try? Timestamp(rfc3339: text) else { return nil }
        let days = Self.daysFromCivil(year: Int64(stamp.year), month: Int64(stamp.month), day: Int64(stamp.day))
        let seconds = days * 86_400 + Int64(stamp.hour * 3600 + stamp.minute * 60 + stamp.second) - Int64(stamp.offsetSeconds)
        self.init(seconds: seconds, nanoseconds: Int64(stamp.nanosecond))
    }

    public static func < (lhs: FlowTime, rhs: FlowTime) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    public func adding(seconds interval: Double) -> FlowTime {
        let total = Double(seconds) + Double(nanoseconds) / 1e9 + interval
        return FlowTime(unixSeconds: total) ?? self
    }

    /// Float seconds (`1765877875.135`), as thin-edge writes a `unix` time: the nanoseconds as a float,
    /// divided, so the last digit rounds the way thin-edge's does.
    public var unixSeconds: Double {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = scaled.addingReportingOverflow(nanoseconds)
        guard !overflow, !carry else { return Double(seconds) + Double(nanoseconds) / 1e9 }
        return Double(total) / 1e9
    }

    /// `2026-01-14T15:29:23.338Z`: UTC, the fraction without trailing zeros; nil for years outside 0-9999.
    public var rfc3339: String? {
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            days -= 1
            secondOfDay += 86_400
        }
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
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
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
