import Foundation
import TedgeProviderAPI

/// How a conformance case's expected message is compared with what the mapper published (`compare` in
/// te_topics.json): `exact`, `json` (numbers numerically, timestamps as instants), `json-subset`, `json-time-now`
/// (`time` within five minutes of now), `contains`, `topic-only`.
enum PayloadComparison {
    static func matches(_ mode: String, expected: String, actual: [UInt8]) -> Bool {
        switch mode {
        case "exact": return Array(expected.utf8) == actual
        case "contains": return String(decoding: actual, as: UTF8.self).contains(expected)
        case "topic-only": return true
        case "json", "json-subset", "json-time-now":
            guard case .success(let want) = JSONText.parse(Array(expected.utf8)), case .success(let got) = JSONText.parse(actual)
            else { return false }
            return equal(want, got, subset: mode == "json-subset", timeNow: mode == "json-time-now")
        default: return false
        }
    }

    static func equal(_ want: JSONValue, _ got: JSONValue, subset: Bool, timeNow: Bool) -> Bool {
        switch (want, got) {
        case (.object(let wanted), .object(let actual)):
            if !subset && Set(wanted.map(\.key)) != Set(actual.map(\.key)) { return false }
            return wanted.allSatisfy { member in
                guard let value = actual.first(where: { $0.key == member.key })?.value else { return false }
                if timeNow, member.key == "time", member.value == .string("<now>") { return isNow(value) }
                return equal(member.value, value, subset: subset, timeNow: false)
            }
        case (.array(let wanted), .array(let actual)):
            return wanted.count == actual.count && zip(wanted, actual).allSatisfy { equal($0, $1, subset: subset, timeNow: false) }
        case (.string(let a), .string(let b)):
            if a == b { return true }
            guard let x = UnixTime(rfc3339: a), let y = UnixTime(rfc3339: b) else { return false }
            return x == y
        default:
            if let a = number(want), let b = number(got) { return a == b }
            return want == got
        }
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let n): return Double(n)
        case .real(let n): return n
        default: return nil
        }
    }

    /// A `time` (RFC 3339 or Unix seconds) within five minutes of the test's clock.
    static func isNow(_ value: JSONValue) -> Bool {
        let seconds: Double
        switch value {
        case .string(let text):
            guard let time = UnixTime(rfc3339: text) else { return false }
            seconds = time.unixSeconds
        default:
            guard let n = number(value) else { return false }
            seconds = n
        }
        return abs(seconds - Date().timeIntervalSince1970) < 300
    }

    /// An expected topic matches the same topic; `az/messages/events/` also matches it followed by IoT Hub's
    /// property bag (`$.ct=…`), which the Azure mapper adds to JSON (az.mapper.message_properties, on by default).
    static func topicMatches(expected: String, actual: String) -> Bool {
        if expected == actual { return true }
        return expected.hasSuffix("/messages/events/") && actual.hasPrefix(expected) && actual.dropFirst(expected.count).hasPrefix("$.")
    }
}
