import TedgeProviderAPI

/// A `te/` alarm (`<root>/<id>/a/<type>`, retained) to Cumulocity, as thin-edge 2.x maps it: an empty payload
/// clears (`306,<type>`); a raise with nothing but `text`, `severity` and `time` is SmartREST 301-304 on the
/// entity's SmartREST topic; custom fragments make it JSON on `c8y/alarm/alarms/create` (severity upper-cased,
/// `externalSource` for children and services). A string `type` in the payload overrides the topic's; an unknown
/// or missing severity is `minor`, the text defaults to the type, the time to now.
enum CumulocityTeAlarm {
    static let jsonTopic = "c8y/alarm/alarms/create"
    static let defaultType = "ThinEdgeAlarm"
    static let templates: [String: Int] = ["critical": 301, "major": 302, "minor": 303, "warning": 304]
    static let defaultSeverity = "minor"

    static func convert(
        _ message: MQTTMessage, type topicType: String, externalSource: String?, smartRESTTopic: String, now: CumulocityTime
    ) -> Result<MQTTMessage, ConversionError> {
        if message.payload.isEmpty {
            let line = SmartREST.record(["306", topicType.isEmpty ? defaultType : topicType])
            return .success(MQTTMessage(topic: smartRESTTopic, text: line, qos: .atLeastOnce))
        }
        if let error = SerdeText.utf8Error(message.payload) {
            return .failure(
                ConversionError(
                    "Alarm conversion error: Failed to parse as an UTF-8 string the payload received on topic: \(message.topic), due to error: \(error)."
                ))
        }
        var fields: TextAndTimeFields
        var severity: String?
        switch parse(message.payload) {
        case .success(let parsed): (fields, severity) = parsed
        case .failure(let error):
            let snippet = String(decoding: message.payload, as: UTF8.self).prefix(50)
            return .failure(
                ConversionError(
                    "Alarm conversion error: Parsing of alarm message for the type: \(topicType) failed due to error: \(error). Snipped payload: \(snippet)"
                ))
        }
        var type = topicType
        if let index = fields.extras.firstIndex(where: { $0.key == "type" }) {
            if case .string(let override) = fields.extras[index].value { type = override }
            fields.extras.remove(at: index)
        }
        if type.isEmpty { type = defaultType }
        let known = severity.flatMap { templates[$0] != nil ? $0 : nil } ?? defaultSeverity
        let text = fields.text ?? type
        let stamp = (fields.time ?? now).rfc3339 ?? ""
        let fragments = fields.extras.filter { $0.key != "externalSource" }
        if fragments.isEmpty {
            let line = SmartREST.record([String(templates[known]!), type, text, stamp])
            return .success(MQTTMessage(topic: smartRESTTopic, text: line, qos: .atLeastOnce))
        }
        var members: [(key: String, value: JSONValue)] = [("type", .string(type))]
        if let externalSource { members.append(("externalSource", source(externalSource))) }
        members += [("severity", .string(known.uppercased())), ("text", .string(text)), ("time", .string(stamp))]
        return .success(MQTTMessage(topic: jsonTopic, text: JSONText.serialize(.object(members + fragments)), qos: .atLeastOnce))
    }

    /// The fields, and `severity` (an optional string).
    private static func parse(_ payload: [UInt8]) -> Result<(TextAndTimeFields, String?), ConversionError> {
        switch TextAndTimeFields.parse(payload, expected: "struct ThinEdgeAlarmData") {
        case .failure(let error): return .failure(error)
        case .success(var fields):
            guard let index = fields.extras.firstIndex(where: { $0.key == "severity" }) else { return .success((fields, nil)) }
            let value = fields.extras.remove(at: index).value
            switch value {
            case .null: return .success((fields, nil))
            case .string(let severity): return .success((fields, severity))
            default: return .failure(TextAndTimeFields.stringExpected(value))
            }
        }
    }

    /// `{"externalId":"<xid>","type":"c8y_Serial"}`: the entity a JSON alarm, event or measurement is about.
    static func source(_ externalID: String) -> JSONValue {
        .object([("externalId", .string(externalID)), ("type", .string("c8y_Serial"))])
    }
}
