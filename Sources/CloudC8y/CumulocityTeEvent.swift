import TedgeProviderAPI

/// A `te/` event (`<root>/<id>/e/<type>`) to Cumulocity, as thin-edge 2.x maps it: SmartREST
/// `400,<type>,"<text>",<time>` on `c8y/s/us` when nothing but `text` and `time` is given for the main device,
/// else JSON on `c8y/event/events/create` with `externalSource` (children, services) and the custom fragments.
/// A string `type` in the payload overrides the topic's; `text` defaults to the type, `time` to now.
enum CumulocityTeEvent {
    static let jsonTopic = "c8y/event/events/create"
    static let defaultType = "ThinEdgeEvent"

    static func convert(
        _ message: MQTTMessage, type topicType: String, externalSource: String?, now: CumulocityTime
    ) -> Result<MQTTMessage, ConversionError> {
        guard SerdeText.utf8Error(message.payload) == nil else {
            return .failure(ConversionError("Not an UTF8 event payload received on: \(message.topic)"))
        }
        var type = topicType.isEmpty ? defaultType : topicType
        var extras: [(key: String, value: JSONValue)] = []
        if let externalSource { extras.append(("externalSource", CumulocityTeAlarm.source(externalSource))) }
        var text: String?
        var time = now
        if !message.payload.isEmpty {
            let fields: TextAndTimeFields
            switch TextAndTimeFields.parse(message.payload, expected: "struct ThinEdgeEventData") {
            case .success(let parsed): fields = parsed
            case .failure(let error):
                let snippet = String(decoding: message.payload, as: UTF8.self).prefix(50)
                return .failure(
                    ConversionError(
                        "Not an event payload: Parsing of event message received on topic: \(message.topic) failed due to error: \(error). Snipped payload: \(snippet)"
                    ))
            }
            text = fields.text
            time = fields.time ?? now
            for (key, value) in fields.extras {
                if key == "type" {
                    if case .string(let override) = value, !override.isEmpty { type = override }
                    continue
                }
                extras.removeAll { $0.key == key }
                extras.append((key, value))
            }
        }
        let stamp = time.rfc3339 ?? ""
        if extras.isEmpty {
            let line = "400,\(SmartREST.field(type)),\(SmartREST.quoted(text ?? type)),\(stamp)"
            return .success(MQTTMessage(topic: "c8y/s/us", text: line, qos: .atLeastOnce))
        }
        let document = JSONValue.object(
            [("type", .string(type)), ("time", .string(stamp)), ("text", .string(text ?? type))] + extras)
        return .success(MQTTMessage(topic: jsonTopic, text: JSONText.serialize(document), qos: .atLeastOnce))
    }
}
