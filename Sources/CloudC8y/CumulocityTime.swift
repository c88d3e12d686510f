import TedgeProviderAPI

/// A `time` of a `te/` measurement, event or alarm: an RFC 3339 string keeps the offset it was written with, a
/// number is Unix seconds (UTC). Written as thin-edge's `time` crate writes RFC 3339: the fraction without
/// trailing zeros, `Z` for a zero offset.
enum CumulocityTime: Equatable, Sendable {
    case offset(Timestamp)
    case utc(UnixTime)

    /// thin-edge's reading of a `time` value (`IsoOrUnix`), with its error texts.
    static func parse(_ value: JSONValue) -> Result<CumulocityTime, ConversionError> {
        switch value {
        case .string(let text):
            do { return .success(.offset(try Timestamp(rfc3339: text))) } catch {
                return .failure(
                    ConversionError(
                        "Invalid ISO8601 timestamp (expected YYYY-MM-DDThh:mm:ss.sss.±hh:mm): \(SerdeText.quoted(text)): \(error)"
                    ))
            }
        case .integer(let seconds):
            guard let time = UnixTime(json: value), time.rfc3339 != nil else {
                return .failure(
                    ConversionError(
                        "Invalid unix timestamp (reading integer value in seconds): \(seconds); \(Self.unixRange)"))
            }
            return .success(.utc(time))
        case .real(let seconds):
            guard let time = UnixTime(json: value), time.rfc3339 != nil else {
                return .failure(
                    ConversionError(
                        "Invalid unix timestamp (reading decimal value in seconds): \(JSONNumberFormatter.format(seconds)); \(Self.unixRange)"
                    ))
            }
            return .success(.utc(time))
        default:
            return .failure(
                ConversionError(
                    "invalid type: \(SerdeText.unexpected(value)), expected a date formatted as a unix timestamp (as an integer number of seconds) or an ISO-8601 string"
                ))
        }
    }

    /// Years 0-9999: what RFC 3339 can hold, and so what Cumulocity can be sent.
    static let unixRange = "unix_timestamp must be in the range -62167219200..=253402300799"

    /// nil for a year the format cannot hold (beyond 9999).
    var rfc3339: String? {
        switch self {
        case .utc(let time): return time.rfc3339
        case .offset(let stamp):
            guard (0...9999).contains(stamp.year) else { return nil }
            var text = "\(Self.pad(stamp.year, 4))-\(Self.pad(stamp.month, 2))-\(Self.pad(stamp.day, 2))T"
            text += "\(Self.pad(stamp.hour, 2)):\(Self.pad(stamp.minute, 2)):\(Self.pad(stamp.second, 2))"
            if stamp.nanosecond != 0 {
                var fraction = Self.pad(stamp.nanosecond, 9)
                while fraction.last == "0" { fraction.removeLast() }
                text += "." + fraction
            }
            if stamp.offsetSeconds == 0 { return text + "Z" }
            let offset = abs(stamp.offsetSeconds)
            return text + (stamp.offsetSeconds < 0 ? "-" : "+") + Self.pad(offset / 3600, 2) + ":" + Self.pad(offset / 60 % 60, 2)
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
