import Glibc
import TedgeFlows
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
    /// Makes the built-in bridge when `mqtt.bridge.built_in` is true (`tedge-mapper-bridge`); nil in `tedge-mapper`.
    public let bridgeFactory: MapperBridgeFactory?

    public init(
        provider: any CloudProvider, config: TedgeConfig, log: Console, keepAliveSeconds: UInt16 = 60,
        bridgeFactory: MapperBridgeFactory? = nil
    ) {
        self.bridgeFactory = bridgeFactory
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
        // The provider's flows (a user-defined cloud's `flows/`, or the builtin flows written to the cloud's directory):
        // a message a flow reads goes through the flows.
        let flowsLocation = flowsDirectory(of: description)
        defer { if let flowsLocation, flowsLocation.isPrivate { Self.removePrivateFlows(flowsLocation.path) } }
        let flows = flowsLocation.map { location in
            MapperFlows(
                directory: location.path, parameters: description.flowParameters,
                serviceTopic: String(health.topic.dropLast("/status/health".count)), cloud: provider, log: log)
        }
        startup += flows?.start() ?? []
        let flowInputs = (flows?.subscriptions ?? []).filter { !description.subscriptions.contains($0) }
        // The built-in bridge (mqtt.bridge.built_in): cloud-bound messages go to its store, not the local broker.
        let bridge = try config.flag(BridgeConfigKeys.builtIn) ? bridgeFactory.map { try $0(provider, config, { log.line($0) }) } : nil
        // What the cloud asks of the device (methods, the twin, cloud-to-device messages), when it asks anything.
        let operations = description.operations.map {
            OperationsService(
                cloudID: provider.id, cloud: $0, config: config, converterFilters: description.subscriptions, log: log.line)
        }
        var subscriptions =
            description.subscriptions + flowInputs + health.healthCheckTopics + (bridge?.localSubscriptions ?? [])
        for filter in operations?.subscriptions ?? [] where !subscriptions.contains(filter) { subscriptions.append(filter) }
        // MQTT gives a session one will, and a mapper announces `down` on up to three topics. The output session
        // carries the te/ service health; the input session the built-in bridge's health when there is one (its
        // `down` matters to whoever waits for the cloud link), else the legacy `tedge/health/…`. Every one of them
        // is also published at a clean stop.
        let configuration = MessageForwarderConfiguration(
            host: "localhost", port: port, clientID: name, keepAliveSeconds: keepAliveSeconds,
            will: bridge?.will ?? healthMessage("down"), subscriptions: subscriptions, maxInflight: Self.outputWindow,
            maxIncomingPacketBytes: inputLimit.bytes + Self.publishHeaderBytes, outputWill: health.down(pid: pid))
        log.line("\(name) starting: subscribing \(subscriptions.joined(separator: ", ")) on localhost:\(port)")

        let forwarder = MessageForwarder(
            configuration: configuration,
            convert: { message in
                // A health check (`…/cmd/health/check` of this service or its device) is answered with `up`.
                if healthChecks.contains(message.topic) { return [health.up(pid: pid, at: .now())] }
                // The cloud's requests and answers are the operations' (first: AWS's shadow answers are on a topic
                // bridged both ways, which the bridge takes as an echo); what the converter subscribes to as well
                // (health) goes on to it.
                let (answers, forConverter) = operations?.receive(message) ?? ([], true)
                if let forwarded = bridge?.passThrough(message) { return answers + forwarded }
                guard forConverter else { return answers }
                if let flows, flows.accepts(message.topic) {
                    // The converter first (Azure's and AWS's `te/` entity store), then the flows, their outputs as the
                    // cloud publishes them.
                    let admission = converter.beforeFlows(message)
                    guard admission.toFlows else { return answers + admission.outputs }
                    return answers + admission.outputs + flows.process(message).map { converter.afterFlows($0) }
                }
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
            finalMessages: { [healthMessage] in [healthMessage("down"), health.down(pid: pid)] + (bridge?.finalMessages ?? []) },
            log: { [name] in log.line("\(name): \($0)") }, cloud: bridge?.sink)
        // The operation handlers and the flows' timers are served in the same poll loop, whichever runs it (the
        // bridge's or ours).
        let companions: [(any ForwarderCompanion)?] = [operations, flows]
        forwarder.companion = MapperCompanions.make(companions.compactMap { $0 })
        let outcome = run(forwarder, bridge: bridge, flows: flows, stopSignals: stopSignals)
        operations?.stop()
        log.line("\(name) stopped: \(outcome)")
        return outcome
    }

    /// The forwarding loop, which also gives back code pages (`ResidentMemory`) once start-up is over and once the
    /// mapper has been idle for a while: what start-up or a burst of traffic paged in is not kept resident while
    /// nothing flows. While idle, what each rescan of the flows' directory (every second) paged in is given back too.
    private func run(
        _ forwarder: MessageForwarder, bridge: (any MapperBridge)?, flows: MapperFlows?, stopSignals: SignalDescriptor
    ) -> DrainOutcome {
        // What setting up the converter, flows and operations ran (connecting is the next phase).
        ResidentMemory.releaseCodePages()
        var lastInputs = -1
        var quietSince = SystemMonotonicClock().milliseconds
        var trimmed = false
        var rescansWhenTrimmed = 0
        var startedUp = false
        func afterIteration() {
            let now = SystemMonotonicClock().milliseconds
            // What connecting and subscribing ran (with the bridge also the store's check, OpenSSL's set-up and the
            // TLS handshake) is not run again in steady state: given back once both sides are connected.
            if !startedUp, forwarder.isReady, bridge.map({ $0.isCloudConnected }) ?? true {
                startedUp = true
                ResidentMemory.releaseCodePages()
            }
            if forwarder.statistics.inputsReceived != lastInputs || !forwarder.isReady {
                lastInputs = forwarder.statistics.inputsReceived
                quietSince = now
                trimmed = false
            } else if !trimmed, now - quietSince >= Self.idleBeforeTrimMilliseconds {
                ResidentMemory.releaseCodePages()
                trimmed = true
                rescansWhenTrimmed = flows?.rescans ?? 0
            } else if trimmed, let flows, flows.rescans != rescansWhenTrimmed {
                ResidentMemory.releaseCodePages()
                rescansWhenTrimmed = flows.rescans
            }
        }
        if let bridge { return bridge.run(forwarder, stopSignals: stopSignals, idle: afterIteration) }
        while true {
            if let outcome = forwarder.runOnce(maxWaitMilliseconds: 1_000, stopSignals: stopSignals) { return outcome }
            afterIteration()
        }
    }

    /// Where the mapper's flows are: the provider's `flowsDirectory`, else, when it ships builtin flows,
    /// `<config-dir>/mappers/<cloud>[.<profile>]/flows` with those written into it (never over a user's edits); nil
    /// when there are none. A file that cannot be written is logged, and the flows run as they are on disk; when a
    /// builtin flow can neither be written nor found there (a read-only configuration directory), the builtin flows
    /// run from a fresh private directory instead (`isPrivate`, removed when the run ends), so `te/` telemetry is
    /// still mapped.
    func flowsDirectory(of description: MapperDescription) -> (path: String, isPrivate: Bool)? {
        if let directory = description.flowsDirectory {
            return (directory.hasPrefix("/") ? directory : FileSystem.join(config.directory, directory), false)
        }
        let builtin = description.builtinFlows(TedgeVersion.current)
        guard !builtin.isEmpty else { return nil }
        let directory = FileSystem.join(
            FileSystem.join(FileSystem.join(config.directory, "mappers"), provider.mapperDirectoryName), "flows")
        var missing = false
        for flow in builtin {
            let file = BuiltinFlowFile(name: flow.name, text: flow.text, in: directory)
            do {
                if let line = file.describe(try file.install()) { log.line("\(name): \(line)") }
            } catch {
                log.line("\(name): cannot write \(file.path): \(error)")
                if !FileSystem.exists(file.path), !FileSystem.exists(file.disabledPath) { missing = true }
            }
        }
        guard missing else { return (directory, false) }
        var template = Array("/tmp/\(name)-flows.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            log.line("\(name): cannot make a private flows directory either: \(SystemError.text(errno)); te/ is not mapped")
            return (directory, false)
        }
        let scratch = String(cString: made)
        for flow in builtin {
            do {
                let path = FileSystem.join(scratch, "\(flow.name).toml")
                try AtomicFile.write(flow.text, to: path, mode: 0o644, placement: .replace)
            } catch { log.line("\(name): cannot write the builtin flow \(flow.name) into \(scratch): \(error)") }
        }
        log.line("\(name): running the builtin flows from \(scratch); make \(directory) writable to keep and edit them there")
        return (scratch, true)
    }

    /// Removes what `flowsDirectory(of:)` wrote into a private directory, and the directory.
    static func removePrivateFlows(_ directory: String) {
        for file in FileSystem.regularFileNames(in: directory) { _ = try? FileSystem.remove(FileSystem.join(directory, file)) }
        rmdir(directory)
    }

    /// How long without input before code pages are given back.
    static let idleBeforeTrimMilliseconds: Int64 = 5_000

    /// The mapper as a service of this device: `tedge-mapper-<prefix>` (`tedge-mapper-az-second` for a profile whose
    /// process is `tedge-mapper-az@second`, as thin-edge names it).
    public var healthName: String { provider.mapperHealthName }

    func healthMessage(_ status: String) -> MQTTMessage { MapperHealth(serviceName: healthName).message(status) }

    /// The mapper as a `te/` service of this device (`tedge-mapper-<cloud>`), with `service.type` and
    /// `service.timestamp_format`.
    func serviceHealth() throws -> ServiceHealth {
        try ServiceHealth(
            schema: config.topicSchema, device: config.deviceTopicID, name: healthName,
            serviceType: config.value(of: CoreConfigKeys.serviceType) ?? "service",
            timeFormat: config.timeFormat(CoreConfigKeys.serviceTimestampFormat))
    }
}
