import TedgeJSON
import TedgeMessaging

/// Thin Edge JSON, the cloud-neutral measurement format on `tedge/measurements`:
///
///     root  := { ("time": <RFC 3339>)?, (<name>: <number> | <name>: group)+ }
///     group := { (<name>: <number>)+ }
///
/// Parsing is jansson's (strict JSON, duplicate keys refused); the rules on top are thin-edge's,
/// with its messages.
public enum ThinEdgeJSON {
    static let reservedNames: Set<String> = ["type", "externalSource"]

    public static func parse(_ payload: [UInt8]) -> Result<ThinEdgeMeasurement, ThinEdgeJSONError> {
        let root: JSONValue
        do {
            root = try JanssonParser.parse(payload)
        } catch {
            let text = String(decoding: payload, as: UTF8.self)
            // jansson reports the token's last column; point at its first, where the reader should look.
            var column = error.column
            if let near = error.reason.firstRange(ofText: " near '"), error.reason.hasSuffix("'") {
                let token = error.reason[near.upperBound..<error.reason.index(before: error.reason.endIndex)]
                column = max(1, column - token.count + 1)
            }
            return .failure(
                ThinEdgeJSONError(
                    reason: error.reason, line: error.line, column: column,
                    excerpt: ThinEdgeJSONError.excerpt(of: text, line: error.line, column: column)))
        }
        func fail(_ reason: String, at path: [String]) -> Result<ThinEdgeMeasurement, ThinEdgeJSONError> {
            let text = String(decoding: payload, as: UTF8.self)
            let (line, column) = path == ["<root>"] ? (1, 0) : JSONSourceLocator(bytes: payload).position(of: path)
            return .failure(
                ThinEdgeJSONError(
                    reason: reason, line: line, column: column,
                    excerpt: ThinEdgeJSONError.excerpt(of: text, line: line, column: column)))
        }
        guard case .object(let members) = root else {
            return fail("invalid type: \(describe(root)), expected ThinEdge JSON", at: ["<root>"])
        }
        var measurement = ThinEdgeMeasurement(entries: [])
        for (name, value) in members {
            if name == "time" {
                guard case .string(let text) = value else {
                    return fail("invalid type: \(describe(value)), expected a borrowed string", at: [name])
                }
                do {
                    measurement.time = try Timestamp(rfc3339: text)
                    measurement.timePosition = measurement.entries.count
                } catch {
                    return fail(
                        "Invalid ISO8601 timestamp (expected YYYY-MM-DDThh:mm:ss.sss.±hh:mm): \(debugQuoted(text)): \(error)",
                        at: [name])
                }
                continue
            }
            if reservedNames.contains(name) {
                return fail("Invalid measurement name: \(debugQuoted(name)) is a reserved word.", at: [name])
            }
            switch value {
            case .integer, .real:
                switch number(value, name: name) {
                case .success(let number): measurement.entries.append(.single(name: name, value: number))
                case .failure(let reason): return fail(reason.text, at: [name])
                }
            case .object(let inner):
                guard !inner.isEmpty else {
                    return fail(
                        "Empty Thin Edge measurement: \(debugQuoted(name)) must contain at least one measurement", at: [name])
                }
                var values: [(name: String, value: Double)] = []
                values.reserveCapacity(inner.count)
                for (innerName, innerValue) in inner {
                    switch innerValue {
                    case .integer, .real:
                        switch number(innerValue, name: innerName) {
                        case .success(let number): values.append((innerName, number))
                        case .failure(let reason): return fail(reason.text, at: [name, innerName])
                        }
                    case .object:
                        return fail("Expect single-value measurement", at: [name, innerName])
                    default:
                        return fail(
                            "invalid type: \(describe(innerValue)), expected a single-value measurement", at: [name, innerName])
                    }
                }
                measurement.entries.append(.group(name: name, values: values))
            default:
                return fail("invalid type: \(describe(value)), expected ThinEdge single or multi-value measurement", at: [name])
            }
        }
        if measurement.entries.isEmpty {
            return fail("Empty Thin Edge measurement: it must contain at least one measurement", at: [])
        }
        return .success(measurement)
    }

    /// Integers must fit i32 (negative) or u32 (non-negative); reals must be normal or zero.
    private static func number(_ value: JSONValue, name: String) -> Result<Double, ThinEdgeJSONErrorReason> {
        let outOfRange = ThinEdgeJSONErrorReason(
            "Number out-of-range: the \(debugQuoted(name)) value is too large to be represented as a float64.")
        switch value {
        case .integer(let integer):
            guard integer < 0 ? integer >= Int64(Int32.min) : integer <= Int64(UInt32.max) else { return .failure(outOfRange) }
            return .success(Double(integer))
        case .real(let real):
            guard real.isFinite, real == 0 || real.isNormal else { return .failure(outOfRange) }
            return .success(real)
        default:
            return .failure(outOfRange)
        }
    }

    /// serde's names for JSON types in "invalid type" messages.
    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .object: return "map"
        case .array: return "sequence"
        case .string(let text): return "string \(debugQuoted(text))"
        case .integer(let number): return "integer `\(number)`"
        case .real(let number): return "floating point `\(JSONNumberFormatter.format(number))`"
        case .boolean(let flag): return "boolean `\(flag)`"
        case .null: return "null"
        }
    }

    static func debugQuoted(_ text: String) -> String { "\"" + text.replacingBackslashesAndQuotes() + "\"" }
}
