import TedgeProviderAPI

/// The payload of a `te/` event or alarm: a JSON object with an optional string `text`, an optional `time`
/// (RFC 3339 or Unix seconds) and any other members, in order (serde's reading, with its error words).
struct TextAndTimeFields: Sendable {
    var text: String?
    var time: CumulocityTime?
    var extras: [(key: String, value: JSONValue)] = []

    /// `expected` names the structure in serde's "invalid type" error (`struct ThinEdgeEventData`).
    static func parse(_ payload: [UInt8], expected: String) -> Result<TextAndTimeFields, ConversionError> {
        let members: [(key: String, value: JSONValue)]
        switch SerdeText.object(payload, expected: expected) {
        case .success(let parsed): members = parsed
        case .failure(let error): return .failure(error)
        }
        var fields = TextAndTimeFields()
        for (key, value) in members {
            switch (key, value) {
            case ("text", .null), ("time", .null): continue
            case ("text", .string(let text)): fields.text = text
            case ("text", _): return .failure(stringExpected(value))
            case ("time", _):
                switch CumulocityTime.parse(value) {
                case .success(let time): fields.time = time
                case .failure(let error): return .failure(error)
                }
            default: fields.extras.append((key, value))
            }
        }
        return .success(fields)
    }

    /// serde's refusal of a non-string where an optional string goes.
    static func stringExpected(_ value: JSONValue) -> ConversionError {
        ConversionError("invalid type: \(SerdeText.unexpected(value)), expected a string")
    }
}
