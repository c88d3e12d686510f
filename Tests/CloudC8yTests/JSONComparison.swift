import Foundation
import TedgeProviderAPI

/// The conformance data's JSON comparisons: numbers compared numerically, timestamps as instants.
enum JSONComparison {
    static func parse(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// Same document.
    static func equal(_ actual: String, _ expected: String) -> Bool {
        guard let actual = parse(actual), let expected = parse(expected) else { return false }
        return same(actual, expected)
    }

    /// `actual` is an object holding every member of `expected` with the same value.
    static func contains(_ actual: String, _ expected: String) -> Bool {
        guard let actual = parse(actual) as? [String: Any], let expected = parse(expected) as? [String: Any] else { return false }
        return expected.allSatisfy { key, value in actual[key].map { same($0, value) } ?? false }
    }

    static func same(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let a as [String: Any], let b as [String: Any]):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { same(value, $0) } ?? false }
        case (let a as [Any], let b as [Any]):
            return a.count == b.count && zip(a, b).allSatisfy(same)
        case (let a as String, let b as String):
            if a == b { return true }
            guard let x = UnixTime(rfc3339: a), let y = UnixTime(rfc3339: b) else { return false }
            return x == y
        case (let a as NSNumber, let b as NSNumber):
            return a.doubleValue == b.doubleValue
        case (is NSNull, is NSNull):
            return true
        default:
            return false
        }
    }
}
