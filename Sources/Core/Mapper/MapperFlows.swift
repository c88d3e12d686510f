import Glibc
import TedgeFlows
import TedgeMQTTSession
import TedgeProviderAPI
import TedgeSystem

/// A mapper's flows (`MapperDescription.flowsDirectory`, or the directory its `builtinFlows` are written to) as the
/// runtime drives them: loaded at start, their input filters subscribed, each message a flow takes run through the
/// flows (its outputs, and its errors on the flows' errors topics, acknowledged before the input like any converter
/// output), statuses on
/// `<mapper service>/status/flows`. It is a companion of the forwarder (`ForwarderCompanion`): the poll loop wakes
/// for its deadlines, so `onInterval` steps run on time and the directory is rescanned every second whether or not
/// messages arrive; what they produce is published tied to no input. A reload that adds input topics needs a
/// restart: subscriptions are made at start. Under a cloud profile, the flows' topics under the cloud's prefix move
/// to the profile's (`ProfiledCloud`).
final class MapperFlows: ForwarderCompanion {
    private let engine: FlowEngine
    /// `te/device/main/service/tedge-mapper-<cloud>`.
    private let serviceTopic: String
    private let log: Console
    private let clock = SystemMonotonicClock()
    /// On the monotonic clock, in milliseconds: the next rescan, and the next `onInterval` (the engine's wall-clock
    /// deadline, as it was when last computed).
    private var nextRescan: Int64
    private var nextTick: Int64 = .max
    /// The cloud profile the flows map for (its prefix replaces the cloud's); nil for a default connection.
    private let cloud: ProfiledCloud?

    static let rescanMilliseconds: Int64 = 1_000
    /// How many rescans ran: the runtime gives back what one paged in while the mapper is idle.
    private(set) var rescans = 0

    init(directory: String, parameters: [String: String], serviceTopic: String, cloud: any CloudProvider, log: Console) {
        engine = FlowEngine(directory: directory, mapperParams: parameters)
        self.cloud = cloud as? ProfiledCloud
        self.serviceTopic = serviceTopic
        self.log = log
        nextRescan = clock.milliseconds + Self.rescanMilliseconds
    }

    /// Loads the flows: an `enabled` status for each that loaded, and the log of each that did not.
    func start() -> [MQTTMessage] {
        defer { scheduleTick(now: clock.milliseconds) }
        return publish(engine.start())
    }

    /// The input filters of the loaded flows, each once.
    var subscriptions: [String] {
        var seen: Set<String> = []
        return engine.flows.flatMap { $0.inputs.map { cloud?.localTopic($0.text) ?? $0.text } }.filter {
            seen.insert($0).inserted
        }
    }

    func accepts(_ topic: String) -> Bool {
        let topic = cloud?.providerTopic(topic) ?? topic
        return engine.flows.contains { $0.accepts(topic) }
    }

    /// What the flows make of `message`.
    func process(_ message: MQTTMessage) -> [MQTTMessage] {
        var input = message
        if let cloud { input.topic = cloud.providerTopic(message.topic) }
        return publish(engine.process(FlowMessage(input), at: .now()))
    }

    /// What is due now: the rescan (statuses of what changed) and the `onInterval` steps whose time has come.
    func due(now: Int64) -> [MQTTMessage] {
        var outputs: [MQTTMessage] = []
        let time = UnixTime.now()
        if now >= nextRescan {
            nextRescan = now + Self.rescanMilliseconds
            rescans += 1
            outputs += publish(engine.reload(at: time))
        }
        if now >= nextTick { outputs += publish(engine.tick(at: time)) }
        scheduleTick(now: now)
        return outputs
    }

    // MARK: - ForwarderCompanion

    func appendPollDescriptors(to descriptors: inout [pollfd]) {}

    func nextDeadline(after now: Int64) -> Int64 { min(nextRescan, nextTick) }

    func serve(_ forwarder: MessageForwarder) {
        let now = clock.milliseconds
        guard now >= min(nextRescan, nextTick) else { return }
        due(now: now).forEach(forwarder.publishUntracked)
    }

    /// The engine's next `onInterval` deadline on the monotonic clock.
    private func scheduleTick(now: Int64) {
        guard let deadline = engine.nextDeadline else {
            nextTick = .max
            return
        }
        let wall = UnixTime.now()
        let nanoseconds = (deadline.seconds - wall.seconds) * 1_000_000_000 + deadline.nanoseconds - wall.nanoseconds
        // Rounded up, so that the engine finds the deadline passed when woken.
        nextTick = now + max(0, (nanoseconds + 999_999) / 1_000_000)
    }

    private func publish(_ output: FlowEngineOutput) -> [MQTTMessage] {
        for line in output.log { log.line("flows: \(line)") }
        return output.statuses.map { $0.message(service: serviceTopic).mqttMessage }
            + output.published.map { published in
                var message = published.mqttMessage
                if let cloud { message.topic = cloud.localTopic(message.topic) }
                return message
            }
    }
}
