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
    /// When the state machine next has something to do, as it said after the last event: the idle loop asks every
    /// second, and answering from here keeps its code (and the pages it would touch) out of an idle mapper.
    private var nextTick: Int64 = 0

    init(
        cloudID: String, cloud: any CloudOperations, config: TedgeConfig, converterFilters: [String],
        log: @escaping (String) -> Void
    ) {
        let directory = FileSystem.join(config.directory, cloud.handlerDirectory)
        let seconds = Int64(config.integer(CoreConfigKeys.operationsTimeout) ?? 30)
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        var environment = ["PATH": path, "TEDGE_CONFIG_DIR": config.directory]
        // A cloud profile's handlers know it, as thin-edge's c8y mapper tells its operations (`tedge config` reads it).
        if let profile = config.selectedProfile { environment["TEDGE_CLOUD_PROFILE"] = profile.name.description }
        let configuration = OperationsConfiguration(
            cloud: cloudID, handlerDirectory: directory,
            shownDirectory: cloud.handlerDirectory, timeLimitMilliseconds: max(1, seconds) * 1000, schema: config.topicSchema,
            device: config.deviceTopicID, baseEnvironment: environment)
        machine = OperationsStateMachine(
            configuration: configuration, cloud: cloud, lookup: HandlerFiles.lookup,
            requestNumberSeed: UnixTime.now().seconds * 1000)
        let user = config.value(of: CoreConfigKeys.operationsUser) ?? "tedge"
        log("operations: handlers in \(directory), \(seconds) s each at most")
        runner = HandlerRunner(identity: {
            let launcher = HandlerIdentity.launcher(user: user)
            switch launcher {
            case .success(let prefix):
                let how = prefix.isEmpty ? "as this process's user" : "through \(prefix.joined(separator: " "))"
                log("operations: handlers run \(how)")
            case .failure(let error):
                log("operations: no handler will run: \(error)")
            }
            return launcher
        })
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
        let now = clock.milliseconds
        machine.receive(message, now: now)
        nextTick = now
        return (performActions(), converterFilters.contains { $0.matches(message.topic) })
    }

    /// An input too large to be received whole, when it is the operations' (a method call is answered 413).
    func receiveOversized(topic: String, payloadBytes: Int) -> [MQTTMessage]? {
        guard owns(topic), !converterFilters.contains(where: { $0.matches(topic) }) else { return nil }
        let now = clock.milliseconds
        machine.receiveOversized(topic: topic, payloadBytes: payloadBytes, now: now)
        nextTick = now
        return performActions()
    }

    /// The local session is up (again).
    func connected() -> [MQTTMessage] {
        let now = clock.milliseconds
        machine.connected(now: now)
        nextTick = now
        return performActions()
    }

    func appendPollDescriptors(to descriptors: inout [pollfd]) { runner.appendPollDescriptors(to: &descriptors) }

    func nextDeadline(after now: Int64) -> Int64 { min(nextTick, runner.nextDeadline(after: now)) }

    /// Handlers' ends and timers: what they produce goes out through the forwarder, tied to no input.
    func serve(_ forwarder: MessageForwarder) {
        let now = clock.milliseconds
        guard !runner.isIdle || now >= nextTick else { return }
        for (id, outcome) in runner.service(now: now) { machine.handlerFinished(id, outcome, now: now) }
        machine.tick(now: now)
        performActions().forEach(forwarder.publishUntracked)
        nextTick = machine.nextDeadline(after: now)
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
