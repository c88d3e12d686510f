import TedgeThinEdgeJSON
import TedgeTopics

/// `add-timestamp`: adds the processing time to a JSON object payload under `property` (default `time`)
/// in `format` (`unix` by default, or `rfc-3339`); with `reformat`, an existing time is rewritten in that
/// format, else left alone. Payloads that are not JSON objects pass unchanged.
struct AddTimestampStep: FlowStep {
    let source = "add-timestamp"
    private var property = "time"
    private var format = TimeFormat.unix
    private var reformat = false

    init(config: FlowStepConfig) throws(FlowLoadError) {
        if let property = config.string("property") { self.property = property }
        if let name = config.string("format") {
            guard let format = TimeFormat(parsing: name) else { throw .incorrectSetting("Unknown time format: \(name)") }
            self.format = format
        }
        if let reformat = config.bool("reformat") { self.reformat = reformat }
    }

    func onMessage(_ message: FlowMessage, at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage] {
        guard case .success(.object(var members)) = JSONText.parse(message.payload) else { return [message] }
        let stamped: JSONValue?
        if let index = members.firstIndex(where: { $0.key == property }) {
            guard reformat else { return [message] }
            stamped = format.reformat(members[index].value)
            if let stamped { members[index].value = stamped }
        } else {
            stamped = format.json(time)
            if let stamped { members.append((property, stamped)) }
        }
        guard stamped != nil else { throw .unsupportedMessage("Failed to format message timestamp as \(format)") }
        // A new message, as thin-edge makes one: QoS 1, not retained, no time of its own.
        return [FlowMessage(topic: message.topic, payload: Array(JSONText.serializeSortingKeys(.object(members)).utf8))]
    }
}
