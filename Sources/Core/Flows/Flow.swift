import TedgeMessaging
import TedgeTopics

/// A loaded flow: its MQTT inputs, its steps in order, where its outputs and errors go. Steps keep their
/// own state (a script's Lua state, interval deadlines) for as long as the flow stays loaded.
public final class Flow {
    /// The file's path relative to the flows directory, without `.toml` (and without a final `/flow`).
    public let name: String
    /// The flow file.
    public let path: String
    public let version: String?
    public let description: String?
    public let tags: [String]?
    public let inputs: [MQTTTopicFilter]
    /// Nil: each message goes out on the topic its steps gave it.
    public let outputTopic: String?
    /// Nil: errors are only logged.
    public let errorsTopic: String?
    public let expectLoop: Bool
    var steps: [any FlowStep]
    private var deadlines: [UnixTime?]

    init(
        name: String, path: String, definition: FlowDefinition, inputs: [MQTTTopicFilter], steps: [any FlowStep],
        loadedAt time: UnixTime
    ) {
        self.name = name
        self.path = path
        version = definition.version
        description = definition.description
        tags = definition.tags
        self.inputs = inputs
        outputTopic = definition.outputTopic
        errorsTopic = definition.errorsTopic
        expectLoop = definition.expectLoop
        self.steps = steps
        deadlines = steps.map { step in step.interval.map { time.adding(seconds: $0) } }
    }

    /// The builtin names and script paths of the steps, in order.
    public var stepSources: [String] { steps.map(\.source) }

    public func accepts(_ topic: String) -> Bool { inputs.contains { $0.matches(topic) } }

    /// Runs a message through every step; the first failing step ends it.
    func onMessage(_ message: FlowMessage, at time: UnixTime, context: FlowContext) -> Result<[FlowMessage], FlowError> {
        var messages = [message]
        for index in steps.indices {
            do { messages = try apply(index, to: messages, at: time, context: context) } catch { return .failure(error) }
        }
        return .success(messages)
    }

    /// Calls `onInterval` of the steps whose interval has passed; what a step produces goes through the
    /// steps after it.
    func onInterval(at time: UnixTime, context: FlowContext) -> Result<[FlowMessage], FlowError> {
        var messages: [FlowMessage] = []
        for index in steps.indices {
            do {
                messages = try apply(index, to: messages, at: time, context: context)
                guard let deadline = deadlines[index], let interval = steps[index].interval, deadline <= time else {
                    continue
                }
                // Keep the cadence, skipping the deadlines already missed.
                let step = max(interval, 0.001)
                let missed = ((time.unixSeconds - deadline.unixSeconds) / step).rounded(.down) + 1
                deadlines[index] = deadline.adding(seconds: missed * step)
                messages += try steps[index].onInterval(at: time, context: context)
            } catch {
                return .failure(error)
            }
        }
        return .success(messages)
    }

    private func apply(_ index: Int, to messages: [FlowMessage], at time: UnixTime, context: FlowContext) throws(FlowError)
        -> [FlowMessage]
    {
        var output: [FlowMessage] = []
        for message in messages { output += try steps[index].onMessage(message, at: time, context: context) }
        return output
    }

    /// The messages as they leave the flow: on the output topic when there is one; else on their own
    /// topics, less any that this flow would read again (unless `expect_loop`).
    func published(_ messages: [FlowMessage], log: inout [String]) -> [FlowMessage] {
        if let outputTopic {
            return messages.map {
                var message = $0; message.topic = outputTopic; return message
            }
        }
        guard !expectLoop else { return messages }
        return messages.filter { message in
            guard accepts(message.topic) else { return true }
            log.append("Flow '\(name)' is dropping output message to '\(message.topic)' to prevent an infinite loop")
            return false
        }
    }

    /// The report of a failure, on the errors topic.
    func errorMessage(_ error: FlowError) -> FlowMessage? {
        errorsTopic.map { FlowMessage(topic: $0, text: "Error in \(path): \(error)") }
    }

    /// Earliest `onInterval` deadline, if any step has one.
    var nextDeadline: UnixTime? { deadlines.compactMap { $0 }.min() }
}
