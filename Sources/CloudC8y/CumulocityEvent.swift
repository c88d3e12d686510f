import TedgeProviderAPI

/// `tedge/events/<type>`: SmartREST 400 when only text and time are given, Cumulocity JSON with extra fields.
enum CumulocityEvent {
    static func convert(_ message: MQTTMessage, now: () -> Timestamp) -> Result<[MQTTMessage], ConversionError> {
        let levels = message.topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard levels.count == 3, !levels[2].isEmpty else {
            return .failure(ConversionError("Unsupported topic: \(message.topic)"))
        }
        let type = levels[2]
        var fields: (text: String?, time: Timestamp?, extras: [(key: String, value: JSONValue)]) = (nil, nil, [])
        if !message.payload.isEmpty {
            switch TextAndTime.parse(message.payload) {
            case .success(let parsed): fields = parsed
            case .failure(let error): return .failure(error)
            }
        }
        let text = fields.text ?? type
        let time = (fields.time ?? now()).description
        if fields.extras.isEmpty {
            return .success([
                MQTTMessage(topic: "c8y/s/us", text: "400,\(type),\(SmartREST.quoted(text)),\(time)", qos: .atLeastOnce)
            ])
        }
        let document = JSONValue.object(
            [("type", .string(type)), ("time", .string(time)), ("text", .string(text))] + fields.extras)
        return .success([MQTTMessage(topic: "c8y/event/events/create", text: JSONText.serialize(document), qos: .atLeastOnce)])
    }
}
