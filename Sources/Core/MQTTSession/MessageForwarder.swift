import Glibc
import TedgeMessaging

/// The mapper's data plane: subscribes at QoS 1, converts every input and acknowledges it only after the broker
/// has acknowledged every QoS 1 output produced from it, in the order the inputs arrived (MQTT 3.1.1 §4.6), so a
/// crash loses nothing: the broker redelivers unacknowledged inputs to the same client id (persistent session).
/// One thread, one poll(2) loop, bounded memory, two sessions (inputs and their PUBACKs; outputs and theirs).
///
/// This class is the driver: it owns the sockets, the decoder and the clock, feeds `ForwarderStateMachine`
/// (which decides what to send, when to acknowledge, read, connect and stop) and carries out its actions.
/// `run` drives it with poll; tests call `step` with in-memory transports and a manual clock.
public final class MessageForwarder {
    var machine: ForwarderStateMachine
    private let convert: (MQTTMessage) -> [MQTTMessage]
    /// The built-in bridge's outbound side (nil: every output goes to the local broker).
    private let cloud: ForwarderCloudSink?
    /// What an input too large to receive becomes (topic, payload size): typically an error report.
    private let oversizedInput: (String, Int) -> [MQTTMessage]
    private let readyMessages: () -> [MQTTMessage]
    private let finalMessages: () -> [MQTTMessage]
    let log: (String) -> Void
    private let connector: MQTTTransportConnector
    let clock: any MonotonicClock
    let readBuffer: UnsafeMutableRawBufferPointer
    var input: ForwarderConnection?
    var output: ForwarderConnection?
    /// Served in the same loop: polled with the forwarder, at the start of every step.
    public var companion: (any ForwarderCompanion)?

    static let readChunkBytes = 64 * 1024
    /// Input is read in smaller pieces: about a window of inputs, as more would only wait in the decoder, in
    /// our memory instead of the kernel's and the broker's.
    static let inputReadChunkBytes = 16 * 1024
    /// Reads per connection and step before writing, so acknowledgements go out under a continuous stream.
    static let readsPerStep = 16

    public init(
        configuration: MessageForwarderConfiguration,
        convert: @escaping (MQTTMessage) -> [MQTTMessage],
        oversizedInput: @escaping (_ topic: String, _ payloadBytes: Int) -> [MQTTMessage] = { _, _ in [] },
        readyMessages: @escaping () -> [MQTTMessage] = { [] },
        finalMessages: @escaping () -> [MQTTMessage] = { [] },
        log: @escaping (String) -> Void,
        connector: @escaping MQTTTransportConnector = { host, port, _ in TCPTransport.connect(host: host, port: port) },
        clock: any MonotonicClock = SystemMonotonicClock(),
        cloud: ForwarderCloudSink? = nil
    ) {
        machine = ForwarderStateMachine(configuration: configuration)
        self.convert = convert
        self.cloud = cloud
        self.oversizedInput = oversizedInput
        self.readyMessages = readyMessages
        self.finalMessages = finalMessages
        self.log = log
        self.connector = connector
        self.clock = clock
        readBuffer = .allocate(byteCount: MessageForwarder.readChunkBytes, alignment: 16)
    }

    deinit {
        closeConnections()
        readBuffer.deallocate()
    }

    // MARK: - Entry points

    /// Forwards until stopped (a signal on `stopSignals`, or `requestStop`), then drains and returns how.
    public func run(stopSignals: SignalDescriptor?) -> DrainOutcome {
        while true {
            if let outcome = runOnce(stopSignals: stopSignals) { return outcome }
        }
    }

    /// One loop iteration: waits (poll) at most `maxWaitMilliseconds` for a socket, a signal or a timer, then
    /// steps. Returns the outcome once the forwarder has finished.
    public func runOnce(maxWaitMilliseconds: Int32 = 1000, stopSignals: SignalDescriptor? = nil) -> DrainOutcome? {
        if let outcome { return outcome }
        var descriptors: [pollfd] = []
        if let stopSignals {
            descriptors.append(pollfd(fd: stopSignals.fileDescriptor, events: Int16(POLLIN), revents: 0))
        }
        appendPollDescriptors(to: &descriptors)
        let now = clock.milliseconds
        let timeout = max(0, min(Int64(maxWaitMilliseconds), nextDeadline(after: now) - now))
        _ = poll(&descriptors, nfds_t(descriptors.count), Int32(timeout))
        if let stopSignals, descriptors[0].revents != 0 { handleStopSignals(stopSignals) }
        step()
        return outcome
    }

    /// Starts the drain (`ForwarderStateMachine.requestStop`); `run` returns once it has finished.
    public func requestStop() {
        let now = clock.milliseconds
        machine.requestStop(now: now)
        performActions(now: now)
        flush(now: now)
    }

    /// One iteration without waiting: serve the companion, finish connecting, read the output session (its PUBACKs
    /// may reopen the input window), then the input session unless paused, let time pass (timers, drain, reconnect),
    /// write what was produced. Tests call this directly.
    public func step() {
        guard outcome == nil else { return }
        companion?.serve(self)
        let now = clock.milliseconds
        finishConnecting(now: now)
        performActions(now: now)
        read(.output, now: now)
        read(.input, now: now)
        machine.tick(now: now)
        performActions(now: now)
        // Group commit: what this iteration converted for the cloud is appended (and synced) once.
        machine.commitStoreBatch(now: now)
        performActions(now: now)
        flush(now: now)
    }

    /// Set once the forwarder has stopped.
    public var outcome: DrainOutcome? { machine.outcome }
    /// Both sessions connected and the input session's SUBACK received.
    public var isReady: Bool { machine.isReady }
    public var statistics: MessageForwarderStatistics { machine.statistics }
    public var inflightCount: Int { machine.inflightCount }
    public var queuedOutputCount: Int { machine.queuedOutputCount }
    public var pendingInputCount: Int { machine.pendingInputCount }
    /// The input session is not being read: the window is full, or the forwarder is draining.
    public var isInputPaused: Bool { machine.isInputPaused }

    // MARK: - Carrying out the state machine's actions

    func connection(_ role: MQTTSessionRole) -> ForwarderConnection? { role == .input ? input : output }

    /// Carries out every queued action, including those the events fed meanwhile queue.
    func performActions(now: Int64) {
        while let action = machine.nextAction() {
            switch action {
            case .openConnections:
                let configuration = machine.configuration
                for role in [MQTTSessionRole.input, .output] {
                    let connection = ForwarderConnection(
                        role: role, transport: connector(configuration.host, configuration.port, role),
                        maxIncomingPacketBytes: configuration.maxIncomingPacketBytes)
                    if role == .input { input = connection } else { output = connection }
                }
                finishConnecting(now: now)
            case .write(let packet, let role):
                guard let connection = connection(role) else { continue }
                do {
                    try connection.append(packet)
                } catch {
                    machine.writeRejected(packet, on: role, error: error, now: now)
                }
                if role == .output { machine.outputBacklogChanged(bytes: connection.pendingWriteBytes) }
            case .flush(let role):
                _ = connection(role)?.flush()
            case .closeConnections:
                closeConnections()
            case .produce(let request):
                let outputs = produce(request.kind)
                if let cloud {
                    var local: [MQTTMessage] = []
                    var stored: [MQTTMessage] = []
                    for output in outputs {
                        if let remote = cloud.route(output) { stored.append(remote) } else { local.append(output) }
                    }
                    machine.produced(local, stored: stored, for: request.id, now: now)
                } else {
                    machine.produced(outputs, for: request.id, now: now)
                }
            case .appendToStore(let batch, let messages):
                if let reason = cloud?.append(messages) {
                    machine.storeFailed(batch: batch, reason: reason, now: now)
                } else {
                    machine.stored(batch: batch, now: now)
                }
            case .externalDelivered(let token):
                cloud?.delivered(token)
            case .log(let line):
                log(line)
            }
        }
    }

    private func closeConnections() {
        input?.close()
        output?.close()
        input = nil
        output = nil
    }

    private func produce(_ kind: ForwarderOutputRequest.Kind) -> [MQTTMessage] {
        switch kind {
        case .convert(let message): return convert(message)
        case .reportOversizedInput(let topic, let payloadBytes): return oversizedInput(topic, payloadBytes)
        case .readyMessages: return readyMessages()
        case .finalMessages: return finalMessages()
        }
    }

    /// Reports the connects that have completed or failed (the caller carries out the actions).
    private func finishConnecting(now: Int64) {
        for role in [MQTTSessionRole.input, .output] {
            guard let connection = connection(role), machine.session(role).link == .opening else { continue }
            switch connection.transport.finishConnecting() {
            case .connected: machine.connectionOpened(role, now: now)
            case .inProgress: break
            case .failed(let reason): machine.connectionFailed(role, reason: reason, now: now)
            }
        }
    }
}
