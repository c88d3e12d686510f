import TedgeProviderAPI

/// `tedge/alarms/<severity>/<name>` to SmartREST 301-304 (raise) or 306 (clear, empty payload).
enum CumulocityAlarm {
    static let templates = ["critical": 301, "major": 302, "minor": 303, "warning": 304]

    static func convert(_ message: MQTTMessage, now: () -> Timestamp) -> Result<[MQTTMessage], ConversionError> {
        let levels = message.topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard levels.count == 4, !levels[3].isEmpty else {
            return .failure(ConversionError("Unsupported topic: \(message.topic)"))
        }
        let (severity, name) = (levels[2], levels[3])
        guard let template = templates[severity] else {
            return .failure(ConversionError("Unsupported alarm severity in topic: \(severity)"))
        }
        if message.payload.isEmpty {
            return .success([MQTTMessage(topic: "c8y/s/us", text: "306,\(name)", qos: .atLeastOnce)])
        }
        let fields: (text: String?, time: Timestamp?, extras: [(key: String, value: JSONValue)])
        switch TextAndTime.parse(message.payload) {
        case .success(let parsed): fields = parsed
        case .failure(let error): return .failure(error)
        }
        let text = SmartREST.quoted(fields.text ?? "")
        let time = (fields.time ?? now()).description
        return .success([MQTTMessage(topic: "c8y/s/us", text: "\(template),\(name),\(text),\(time)", qos: .atLeastOnce)])
    }
}
