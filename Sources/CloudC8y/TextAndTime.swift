import TedgeProviderAPI

/// The `{"text"?: string, "time"?: RFC 3339, …}` payload of alarms and events.
enum TextAndTime {
    static func parse(_ payload: [UInt8]) -> Result<
        (text: String?, time: Timestamp?, extras: [(key: String, value: JSONValue)]), ConversionError
    > {
        let document: JSONValue
        switch JSONText.parse(payload) {
        case .success(let value): document = value
        case .failure(let error): return .failure(error)
        }
        guard case .object(let members) = document else {
            return .failure(ConversionError("Invalid JSON: a JSON object with optional \"text\" and \"time\" is expected"))
        }
        var text: String?
        var time: Timestamp?
        var extras: [(key: String, value: JSONValue)] = []
        for (key, value) in members {
            switch key {
            case "text":
                guard case .string(let string) = value else {
                    return .failure(ConversionError("Invalid JSON: \"text\" must be a string"))
                }
                text = string
            case "time":
                guard case .string(let string) = value else {
                    return .failure(ConversionError("Invalid JSON: \"time\" must be an RFC 3339 string"))
                }
                do { time = try Timestamp(rfc3339: string) } catch {
                    return .failure(
                        ConversionError(
                            "Invalid ISO8601 timestamp (expected YYYY-MM-DDThh:mm:ss.sss.±hh:mm): \"\(string)\": \(error)"))
                }
            default:
                extras.append((key, value))
            }
        }
        return .success((text, time, extras))
    }
}
