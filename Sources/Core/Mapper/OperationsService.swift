import Glibc
import TedgeMQTTSession
import TedgeOperations
import TedgeProviderAPI
import TedgeSystem

/// A cloud's operations in the mapper: `OperationsStateMachine` fed with the mapper's inputs and the time, its
/// handlers run by `HandlerRunner` inside the mapper's poll loop (the forwarder's companion). Answers to inputs go
/// out as the input's outputs (acknowledged after them); what a handler's end or a timer produces goes out through
/// the forwarder's `publishUntracked`.
final class OperationsService: ForwarderCompanion {
    private var machine: OperationsStateMachine
    private let runner: HandlerRunner
    /// The converter's own filters: an input that matches one goes to the converter too (health, say).
    private let converterFilters: [MQTTTopicFilter]
    private let ownFilters: [MQTTTopicFilter]
    private let log: (String) -> Void
    private let clock = SystemMonotonicClock()

    init(
        cloudID: String, cloud: any CloudOperations, config: TedgeConfig, converterFilters: [String],
        log: @escaping (String) -> Void
    ) {
        let directory = FileSystem.join(config.directory, cloud.handlerDirectory)
        let seconds = Int64(config.integer(CoreConfigKeys.operationsTimeout) ?? 30)
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        let configuration = OperationsConfiguration(
            cloud: cloudID, handlerDirectory: directory,
            shownDirectory: cloud.handlerDirectory, timeLimitMilliseconds: max(1, seconds) * 1000, schema: config.topicSchema,
            device: config.deviceTopicID, baseEnvironment: ["PATH": path, "TEDGE_CONFIG_DIR": config.directory])
        machine = OperationsStateMachine(
            configuration: configuration, cloud: cloud, lookup: HandlerFiles.lookup,
            requestNumberSeed: UnixTime.now().seconds * 1000)
        switch HandlerIdentity.launcher(user: config.value(of: CoreConfigKeys.operationsUser) ?? "tedge") {
        case .success(let launcher):
            runner = HandlerRunner(launcher: launcher)
            log(
                "operations: handlers in \(directory), run \(launcher.isEmpty ? "as this process's user" : "through \(launcher.joined(separator: " "))"), \(seconds) s each at most"
            )
        case .failure(let error):
            runner = HandlerRunner(refusal: error.description)
            log("operations: no handler will run: \(error)")
        }
        self.converterFilters = converterFilters.compactMap(MQTTTopicFilter.init)
        ownFilters = machine.subscriptions.compactMap(MQTTTopicFilter.init)
        self.log = log
    }

    var subscriptions: [String] { machine.subscriptions }

    /// Whether an input is the operations' (the converter does not see it unless one of its filters matches too).
    func owns(_ topic: String) -> Bool { ownFilters.contains { $0.matches(topic) } }

    /// An input: the immediate answers, and whether the converter takes it as well.
    func receive(_ message: MQTTMessage) -> (outputs: [MQTTMessage], forConverter: Bool) {
        guard owns(message.topic) else { return ([], true) }
        machine.receive(message, now: clock.milliseconds)
        return (performActions(), converterFilters.contains { $0.matches(message.topic) })
    }

    /// An input too large to be received whole, when it is the operations' (a method call is answered 413).
    func receiveOversized(topic: String, payloadBytes: Int) -> [MQTTMessage]? {
        guard owns(topic), !converterFilters.contains(where: { $0.matches(topic) }) else { return nil }
        machine.receiveOversized(topic: topic, payloadBytes: payloadBytes, now: clock.milliseconds)
        return performActions()
    }

    /// The local session is up (again).
    func connected() -> [MQTTMessage] {
        machine.connected(now: clock.milliseconds)
        return performActions()
    }

    func appendPollDescriptors(to descriptors: inout [pollfd]) { runner.appendPollDescriptors(to: &descriptors) }

    func nextDeadline(after now: Int64) -> Int64 { min(machine.nextDeadline(after: now), runner.nextDeadline(after: now)) }

    /// Handlers' ends and timers: what they produce goes out through the forwarder, tied to no input.
    func serve(_ forwarder: MessageForwarder) {
        let now = clock.milliseconds
        for (id, outcome) in runner.service(now: now) { machine.handlerFinished(id, outcome, now: now) }
        machine.tick(now: now)
        performActions().forEach(forwarder.publishUntracked)
    }

    /// The mapper stops: every handler's process group is killed.
    func stop() { runner.stopAll() }

    private func performActions() -> [MQTTMessage] {
        var published: [MQTTMessage] = []
        while let action = machine.nextAction() {
            switch action {
            case .publish(let message): published.append(message)
            case .start(let run): runner.start(run)
            case .log(let line): log("operations: \(line)")
            }
        }
        return published
    }
}
