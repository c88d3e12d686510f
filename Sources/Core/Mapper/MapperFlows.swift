import TedgeFlows
import TedgeProviderAPI
import TedgeSystem

/// A mapper's flows (`MapperDescription.flowsDirectory`) as the runtime drives them: loaded at start, their input
/// filters subscribed, each message a flow takes run through the flows (its outputs, and its errors on the flows'
/// errors topics, acknowledged before the input like any converter output), statuses on
/// `<mapper service>/status/flows`. The directory is rescanned, and `onInterval` steps ticked, when a message
/// arrives at least a second after the last rescan: the mapper's loop publishes only what an input or a
/// (re)connect produces. A reload that adds input topics needs a restart: subscriptions are made at start.
/// Under a cloud profile, the flows' topics under the cloud's prefix move to the profile's (`ProfiledCloud`).
final class MapperFlows {
    private let engine: FlowEngine
    /// `te/device/main/service/tedge-mapper-<cloud>`.
    private let serviceTopic: String
    private let log: Console
    private var lastRescan: UnixTime
    /// The cloud profile the flows map for (its prefix replaces the cloud's); nil for a default connection.
    private let cloud: ProfiledCloud?

    static let rescanSeconds: Int64 = 1

    init(directory: String, parameters: [String: String], serviceTopic: String, cloud: any CloudProvider, log: Console) {
        engine = FlowEngine(directory: directory, mapperParams: parameters)
        self.cloud = cloud as? ProfiledCloud
        self.serviceTopic = serviceTopic
        self.log = log
        lastRescan = .now()
    }

    /// Loads the flows: an `enabled` status for each that loaded, and the log of each that did not.
    func start() -> [MQTTMessage] { publish(engine.start()) }

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

    /// What the flows make of `message`, after a rescan and the intervals due when it is time for them.
    func process(_ message: MQTTMessage) -> [MQTTMessage] {
        let now = UnixTime.now()
        var outputs: [MQTTMessage] = []
        if now.seconds - lastRescan.seconds >= Self.rescanSeconds {
            lastRescan = now
            outputs += publish(engine.reload(at: now))
            outputs += publish(engine.tick(at: now))
        }
        var input = message
        if let cloud { input.topic = cloud.providerTopic(message.topic) }
        return outputs + publish(engine.process(FlowMessage(input), at: now))
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
