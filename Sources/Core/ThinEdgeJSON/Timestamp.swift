import Glibc

/// An RFC 3339 instant that keeps the UTC offset it was written with, as Thin Edge JSON requires.
public struct Timestamp: Equatable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int
    public let hour: Int, minute: Int, second: Int
    public let nanosecond: Int
    /// Offset from UTC in seconds (east positive).
    public let offsetSeconds: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int, offsetSeconds: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.offsetSeconds = offsetSeconds
    }

    /// The current time in the system's local offset, to millisecond precision.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        return Timestamp(
            year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
            hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec),
            nanosecond: spec.tv_nsec / 1_000_000 * 1_000_000, offsetSeconds: parts.tm_gmtoff)
    }

    /// `2013-06-22T17:03:14+02:00`: fraction left out when zero, else 3, 6 or 9 digits; `+00:00` for UTC.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if nanosecond != 0 {
            if nanosecond % 1_000_000 == 0 {
                text += "." + pad(nanosecond / 1_000_000, 3)
            } else if nanosecond % 1_000 == 0 {
                text += "." + pad(nanosecond / 1_000, 6)
            } else {
                text += "." + pad(nanosecond, 9)
            }
        }
        let offset = abs(offsetSeconds)
        text += (offsetSeconds < 0 ? "-" : "+") + pad(offset / 3600, 2) + ":" + pad(offset / 60 % 60, 2)
        return text
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible, Sendable {
        case invalidCharacters, prematureEnd, outOfRange, trailingInput

        public var description: String {
            switch self {
            case .invalidCharacters: return "input contains invalid characters"
            case .prematureEnd: return "premature end of input"
            case .outOfRange: return "input is out of range"
            case .trailingInput: return "trailing input"
            }
        }
    }

    /// `YYYY-MM-DD(T|t| )hh:mm:ss(.fraction)?(Z|z|±hh:mm)`.
    public init(rfc3339 text: String) throws(ParseError) {
        var reader = Reader(bytes: Array(text.utf8))
        let year = try reader.digits(4)
        try reader.expect(UInt8(ascii: "-"))
        let month = try reader.digits(2)
        try reader.expect(UInt8(ascii: "-"))
        let day = try reader.digits(2)
        try reader.expect([UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")])
        let hour = try reader.digits(2)
        try reader.expect(UInt8(ascii: ":"))
        let minute = try reader.digits(2)
        try reader.expect(UInt8(ascii: ":"))
        let second = try reader.digits(2)
        var nanosecond = 0
        if reader.peek == UInt8(ascii: ".") {
            reader.index += 1
            var count = 0
            while let byte = reader.peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                if count < 9 { nanosecond = nanosecond * 10 + Int(byte - UInt8(ascii: "0")) }
                count += 1
                reader.index += 1
            }
            guard count > 0 else { throw reader.peek == nil ? .prematureEnd : .invalidCharacters }
            for _ in count..<max(count, 9) { nanosecond *= 10 }
        }
        guard let zone = reader.peek else { throw .prematureEnd }
        var offset = 0
        if zone == UInt8(ascii: "Z") || zone == UInt8(ascii: "z") {
            reader.index += 1
        } else if zone == UInt8(ascii: "+") || zone == UInt8(ascii: "-") {
            reader.index += 1
            let hours = try reader.digits(2)
            try reader.expect(UInt8(ascii: ":"))
            let minutes = try reader.digits(2)
            guard hours < 24, minutes < 60 else { throw .outOfRange }
            offset = (hours * 3600 + minutes * 60) * (zone == UInt8(ascii: "-") ? -1 : 1)
        } else {
            throw .invalidCharacters
        }
        guard reader.peek == nil else { throw .trailingInput }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...days[month - 1]).contains(day), hour < 24, minute < 60, second <= 60 else {
            throw .outOfRange
        }
        self.init(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            nanosecond: nanosecond, offsetSeconds: offset)
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func digits(_ count: Int) throws(ParseError) -> Int {
            var value = 0
            for _ in 0..<count {
                guard let byte = peek else { throw .prematureEnd }
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw .invalidCharacters }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }

        mutating func expect(_ byte: UInt8) throws(ParseError) { try expect([byte]) }

        mutating func expect(_ choices: [UInt8]) throws(ParseError) {
            guard let byte = peek else { throw .prematureEnd }
            guard choices.contains(byte) else { throw .invalidCharacters }
            index += 1
        }
    }
}
