import Glibc
import TedgeMQTTSession
import TedgeProviderAPI
import TedgeSystem

/// Runs a provider's mapper: the same loop for every cloud, on the mapper's own MQTT sessions
/// (`MessageForwarder`: inputs on a persistent session, outputs on a second one), which acknowledges an input to the local broker only once the broker has
/// acknowledged everything converted from it. So a SIGKILL at any moment loses nothing: what was not
/// acknowledged is redelivered to the next run (same client id, persistent session); duplicates are
/// possible, loss is not. Every conversion error goes to `tedge/errors`; retained health messages (legacy
/// `tedge/health/…` and `te/…/status/health`, each with its own will) say `up` once the subscriptions are
/// acknowledged and `down` at the end of a drain or as the will; health-check requests get `up` again.
public final class MapperRuntime {
    public static let errorTopic = "tedge/errors"
    /// Outputs in flight to the local broker: enough to keep a loopback round trip busy (the broker
    /// acknowledges QoS 1 at once; MQTT 3.1.1 sets no receive maximum), small enough to bound memory.
    static let outputWindow = 200
    /// For converters that set no input limit.
    static let defaultInputLimit = 256 * 1024
    /// A PUBLISH's topic (at most 65,535 bytes, with its length) and packet identifier, beyond the payload.
    static let publishHeaderBytes = 2 + 65_535 + 2

    public let provider: any CloudProvider
    public let config: TedgeConfig
    public let log: Console
    public let keepAliveSeconds: UInt16

    public init(provider: any CloudProvider, config: TedgeConfig, log: Console, keepAliveSeconds: UInt16 = 60) {
        self.provider = provider
        self.config = config
        self.log = log
        self.keepAliveSeconds = keepAliveSeconds
    }

    public var name: String { provider.mapperServiceName }
    public var lockPath: String {
        FileSystem.join(config.value(of: CoreConfigKeys.runPath) ?? config.directory, "\(name).lock")
    }

    /// Runs until SIGTERM or SIGINT on `stopSignals`, then drains: no new input is taken, what is in
    /// flight is forwarded and acknowledged (bounded), the health says `down`, and the session ends.
    public func run(stopSignals: SignalDescriptor) throws -> DrainOutcome {
        guard let description = provider.mapper(config) else {
            throw TedgeError("The \(provider.cloudName) cloud (\(provider.id)) has no mapper.")
        }
        let lock = try FileLock(path: lockPath)
        defer { withExtendedLifetime(lock) {} }

        let listed =
            description.listedDirectory.map { FileSystem.regularFileNames(in: FileSystem.join(config.directory, $0)) } ?? []
        var converter = description.makeConverter(listed)
        var startup = converter.startupMessages()
        let log = self.log
        let port = UInt16(clamping: config.mqttPort)
        let health = try serviceHealth()
        let healthChecks = Set(health.healthCheckTopics)
        let pid = getpid()
        // Larger inputs are not received whole (bounded memory) but reported with the converter's limit.
        let inputLimit = converter.inputLimit ?? MessageSizeLimit(bytes: Self.defaultInputLimit)
        // What the cloud asks of the device (methods, the twin, cloud-to-device messages), when it asks anything.
        let operations = description.operations.map {
            OperationsService(
                cloudID: provider.id, cloud: $0, config: config, converterFilters: description.subscriptions, log: log.line)
        }
        var subscriptions = description.subscriptions + health.healthCheckTopics
        for filter in operations?.subscriptions ?? [] where !subscriptions.contains(filter) { subscriptions.append(filter) }
        let configuration = MessageForwarderConfiguration(
            host: "localhost", port: port, clientID: name, keepAliveSeconds: keepAliveSeconds,
            will: healthMessage("down"), subscriptions: subscriptions, maxInflight: Self.outputWindow,
            maxIncomingPacketBytes: inputLimit.bytes + Self.publishHeaderBytes, outputWill: health.down(pid: pid))
        log.line("\(name) starting: subscribing \(subscriptions.joined(separator: ", ")) on localhost:\(port)")

        let forwarder = MessageForwarder(
            configuration: configuration,
            convert: { message in
                // A health check (`…/cmd/health/check` of this service or its device) is answered with `up`.
                if healthChecks.contains(message.topic) { return [health.up(pid: pid, at: .now())] }
                // The cloud's requests and answers are the operations' alone; what the converter subscribes to as
                // well (health) goes on to it.
                let (answers, forConverter) = operations?.receive(message) ?? ([], true)
                guard forConverter else { return answers }
                switch converter.convert(message) {
                case .success(let outputs): return answers + outputs
                case .failure(let error):
                    log.line("Mapping error: \(error)")
                    return answers + [MQTTMessage(topic: Self.errorTopic, text: error.description, qos: .atLeastOnce)]
                }
            },
            oversizedInput: { topic, size in
                if let answers = operations?.receiveOversized(topic: topic, payloadBytes: size) { return answers }
                if let report = converter.reportOversized(topic: topic, payloadBytes: size) {
                    log.line("Mapping error: \(report.first.map { String(decoding: $0.payload, as: UTF8.self) } ?? "") (on \(topic))")
                    return report
                }
                log.line("Mapping error: \(inputLimit.tooBig(size)) (on \(topic))")
                return [MQTTMessage(topic: Self.errorTopic, text: inputLimit.tooBig(size).description, qos: .atLeastOnce)]
            },
            readyMessages: {
                // Startup messages (Cumulocity's supported operations) go once per run, health on every (re)connect:
                // the legacy `tedge/health/…`, then on `te/` the service's registration and its `up`.
                defer { startup = [] }
                return [self.healthMessage("up"), health.registration.message(in: health.schema), health.up(pid: pid, at: .now())]
                    + startup + (operations?.connected() ?? [])
            },
            finalMessages: { [healthMessage] in [healthMessage("down"), health.down(pid: pid)] },
            log: { [name] in log.line("\(name): \($0)") })
        let outcome = run(forwarder, operations: operations, stopSignals: stopSignals)
        log.line("\(name) stopped: \(outcome)")
        return outcome
    }

    /// The forwarding loop: one poll over the stop signals, the forwarder's sockets and the operation handlers'
    /// pipes. It also gives back code pages once the mapper has been idle for a while (`ResidentMemory`): what a
    /// burst of traffic paged in is not kept resident while nothing flows.
    private func run(
        _ forwarder: MessageForwarder, operations: OperationsService?, stopSignals: SignalDescriptor
    ) -> DrainOutcome {
        let clock = SystemMonotonicClock()
        var lastInputs = -1
        var quietSince = clock.milliseconds
        var trimmed = false
        while true {
            var descriptors = [pollfd(fd: stopSignals.fileDescriptor, events: Int16(POLLIN), revents: 0)]
            forwarder.appendPollDescriptors(to: &descriptors)
            operations?.appendPollDescriptors(to: &descriptors)
            let before = clock.milliseconds
            let deadline = min(forwarder.nextDeadline(after: before), operations?.nextDeadline(after: before) ?? Int64.max)
            _ = poll(&descriptors, nfds_t(descriptors.count), Int32(max(0, min(1_000, deadline - before))))
            if descriptors[0].revents != 0 { forwarder.handleStopSignals(stopSignals) }
            // Handlers' answers first, so that this step writes them.
            operations?.service { forwarder.publishUntracked($0) }
            forwarder.step()
            if let outcome = forwarder.outcome {
                operations?.stop()
                return outcome
            }
            let now = clock.milliseconds
            if forwarder.statistics.inputsReceived != lastInputs || !forwarder.isReady {
                lastInputs = forwarder.statistics.inputsReceived
                quietSince = now
                trimmed = false
            } else if !trimmed, now - quietSince >= Self.idleBeforeTrimMilliseconds {
                ResidentMemory.releaseCodePages()
                trimmed = true
            }
        }
    }

    /// How long without input before code pages are given back.
    static let idleBeforeTrimMilliseconds: Int64 = 5_000

    func healthMessage(_ status: String) -> MQTTMessage { MapperHealth(serviceName: name).message(status) }

    /// The mapper as a `te/` service of this device (`tedge-mapper-<cloud>`), with `service.type` and
    /// `service.timestamp_format`.
    func serviceHealth() throws -> ServiceHealth {
        try ServiceHealth(
            schema: config.topicSchema, device: config.deviceTopicID, name: name,
            serviceType: config.value(of: CoreConfigKeys.serviceType) ?? "service",
            timeFormat: config.timeFormat(CoreConfigKeys.serviceTimestampFormat))
    }
}
