import Glibc
import TedgeMessaging

/// The mapper's data plane: subscribes at QoS 1, converts every input and acknowledges it only after the broker
/// has acknowledged every QoS 1 output produced from it, in the order the inputs arrived (MQTT 3.1.1 §4.6).
/// A crash therefore loses nothing: unacknowledged inputs are redelivered to the same client id (persistent
/// session) on the next connection. One thread, one poll(2) loop, bounded memory, two connections:
/// - the input session (the configured client id, persistent, the will, the subscriptions) only receives inputs
///   and sends their PUBACKs; the output session (client id + "-out", clean) publishes every output and
///   receives their PUBACKs. The output socket is always read, so the input socket can simply stop being read;
/// - at most `inputWindow` QoS 1 inputs pending, `maxQueuedOutputs` outputs waiting for the `maxInflight`
///   window and `maxWriteBacklogBytes` waiting for the output socket: at any of these the input socket is no
///   longer read, the kernel's buffers fill and the broker holds the rest (TCP backpressure). This bounds the
///   forwarder even though mosquitto 2.0.11 overshoots its own max_inflight_messages, and QoS 0 inputs too;
/// - a disconnect of either session drops both and everything in flight: the broker redelivers the inputs and
///   the outputs are converted again.
/// `run` drives it with poll; tests call `step` with in-memory transports and a manual clock.
public final class MessageForwarder {
    private let configuration: MessageForwarderConfiguration
    private let convert: (MQTTMessage) -> [MQTTMessage]
    /// What an input too large to receive becomes (topic, payload size): typically an error report.
    private let oversizedInput: (String, Int) -> [MQTTMessage]
    private let readyMessages: () -> [MQTTMessage]
    private let finalMessages: () -> [MQTTMessage]
    private let log: (String) -> Void
    private let connector: MQTTTransportConnector
    private let clock: any MonotonicClock
    private let readBuffer: UnsafeMutableRawBufferPointer
    public private(set) var statistics = MessageForwarderStatistics()

    private enum ConnectionPhase: Equatable {
        case waitingToConnect(atMilliseconds: Int64)
        /// Both sessions opening: CONNECT and CONNACK on each, SUBSCRIBE and SUBACK on the input.
        case connecting
        case ready
    }

    private enum StopPhase: Equatable {
        case running
        case drainingOutputs(deadline: Int64)
        case awaitingFinalMessages(deadline: Int64)
        case finished(DrainOutcome)
    }

    /// Who waits for an outgoing QoS 1 publish to be acknowledged.
    private enum OutputOwner: Equatable {
        case input(sequence: Int)
        case untracked
        case finalMessage
    }

    private struct PendingInput {
        var packetID: UInt16
        var unacknowledgedOutputs: Int
    }

    private struct QueuedOutput {
        var message: MQTTMessage
        var owner: OutputOwner
    }

    private var phase: ConnectionPhase = .waitingToConnect(atMilliseconds: 0)
    private var stopPhase: StopPhase = .running
    private var input: ForwarderConnection?
    private var output: ForwarderConnection?
    private var retryDelay: Int64 = MessageForwarder.firstRetryDelay
    private var lastConnectFailure: String?

    // Session state, dropped with the connections: the broker redelivers what we did not acknowledge.
    private var subscribed = false
    private var pendingInputs = FIFOQueue<PendingInput>()
    private var firstPendingSequence = 0
    private var queuedOutputs = FIFOQueue<QueuedOutput>()
    private var inflight: [UInt16: OutputOwner] = [:]
    private var nextPacketID: UInt16 = 1
    private var finalMessagesOutstanding = 0
    private var drainShortfall: Int?

    private static let firstRetryDelay: Int64 = 100
    private static let maximumRetryDelay: Int64 = 500
    private static let readChunkBytes = 64 * 1024
    /// Input is read in smaller pieces: about a window of inputs, as more would only wait in the decoder, in
    /// our memory instead of the kernel's and the broker's.
    private static let inputReadChunkBytes = 16 * 1024
    /// Reads per connection and step before writing, so acknowledgements go out under a continuous stream.
    private static let readsPerStep = 16
    /// The input session's only SUBSCRIBE; it publishes nothing, so no other identifier is in use there.
    private static let subscribePacketID: UInt16 = 1

    public init(
        configuration: MessageForwarderConfiguration,
        convert: @escaping (MQTTMessage) -> [MQTTMessage],
        oversizedInput: @escaping (_ topic: String, _ payloadBytes: Int) -> [MQTTMessage] = { _, _ in [] },
        readyMessages: @escaping () -> [MQTTMessage] = { [] },
        finalMessages: @escaping () -> [MQTTMessage] = { [] },
        log: @escaping (String) -> Void,
        connector: @escaping MQTTTransportConnector = { host, port, _ in
            TCPTransport.connect(host: host, port: port)
        },
        clock: any MonotonicClock = SystemMonotonicClock()
    ) {
        self.configuration = configuration
        self.convert = convert
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
        for connection in [input, output].compactMap({ $0 }) where connection.transport.fileDescriptor >= 0 {
            var events: Int16 = 0
            // The paused input is left out of POLLIN: its data waits in the kernel, and then at the broker.
            if connection.state != .connecting && !isPaused(connection) { events |= Int16(POLLIN) }
            if connection.state == .connecting || connection.hasPendingWrites { events |= Int16(POLLOUT) }
            if events != 0 {
                descriptors.append(pollfd(fd: connection.transport.fileDescriptor, events: events, revents: 0))
            }
        }
        let now = clock.milliseconds
        let timeout = max(0, min(Int64(maxWaitMilliseconds), nextDeadline(now: now) - now))
        _ = poll(&descriptors, nfds_t(descriptors.count), Int32(timeout))
        if let stopSignals, descriptors[0].revents != 0 {
            for number in stopSignals.readSignals() {
                log("received signal \(number); stopping")
                requestStop()
            }
        }
        step()
        return outcome
    }

    /// Starts the drain: the input session is no longer read (the broker keeps what it has not delivered and
    /// redelivers what is not acknowledged); outstanding outputs are awaited, their inputs acknowledged, then
    /// the final messages are published, then DISCONNECT on both sessions.
    public func requestStop() {
        guard stopPhase == .running else { return }
        guard input?.state == .established, output?.state == .established else {
            closeConnections()
            resetSession()
            finish(.notConnected)
            return
        }
        let outstanding = inflight.count + queuedOutputs.count
        log("stopping: waiting for \(outstanding) outstanding outputs to be acknowledged")
        stopPhase = .drainingOutputs(deadline: clock.milliseconds + configuration.drainTimeoutMilliseconds)
        advanceDrain(now: clock.milliseconds)
        flush()
    }

    /// One iteration without waiting: connect or reconnect when due, read the output session (its PUBACKs may
    /// reopen the input window), then the input session unless paused, handle timers, write what was produced.
    /// Tests call this directly.
    public func step() {
        guard outcome == nil else { return }
        let now = clock.milliseconds
        if case .waitingToConnect(let due) = phase, now >= due { openConnections(now: now) }
        for connection in [input, output].compactMap({ $0 }) where connection.state == .connecting {
            if isCurrent(connection) { finishConnecting(connection, now: now) }
        }
        if let output { readAvailable(output, now: now) }
        if let input { readAvailable(input, now: now) }
        checkTimers(now: now)
        advanceDrain(now: now)
        flush()
    }

    /// Set once the forwarder has stopped.
    public var outcome: DrainOutcome? {
        if case .finished(let outcome) = stopPhase { return outcome }
        return nil
    }

    /// Both sessions connected and the input session's SUBACK received.
    public var isReady: Bool { phase == .ready }
    public var inflightCount: Int { inflight.count }
    public var queuedOutputCount: Int { queuedOutputs.count }
    public var pendingInputCount: Int { pendingInputs.count }
    /// The input session is not being read: the window is full, or the forwarder is draining.
    public var isInputPaused: Bool { input.map(isPaused) ?? false }

    // MARK: - Connection

    private var endpoint: String { "\(configuration.host):\(configuration.port)" }

    private func clientID(for role: MQTTSessionRole) -> String {
        role == .input ? configuration.clientID : configuration.outputClientID
    }

    private func isCurrent(_ connection: ForwarderConnection) -> Bool {
        connection === input || connection === output
    }

    private func openConnections(now: Int64) {
        phase = .connecting
        input = ForwarderConnection(
            role: .input, transport: connector(configuration.host, configuration.port, .input),
            maxIncomingPacketBytes: configuration.maxIncomingPacketBytes, now: now)
        output = ForwarderConnection(
            role: .output,
            transport: connector(configuration.host, configuration.port, .output),
            maxIncomingPacketBytes: configuration.maxIncomingPacketBytes, now: now)
    }

    private func finishConnecting(_ connection: ForwarderConnection, now: Int64) {
        switch connection.transport.finishConnecting() {
        case .connected:
            // The will belongs to the input session: it is the one whose loss means the mapper is gone.
            let connect =
                connection.role == .input
                ? MQTTConnect(
                    clientID: configuration.clientID, cleanSession: false,
                    keepAliveSeconds: configuration.keepAliveSeconds, will: configuration.will)
                : MQTTConnect(
                    clientID: configuration.outputClientID, cleanSession: true,
                    keepAliveSeconds: configuration.keepAliveSeconds, will: configuration.outputWill)
            do {
                try connection.append(.connect(connect))
            } catch {
                connectFailed("invalid CONNECT: \(error)", now: now)
                return
            }
            connection.state = .awaitingConnack
            connection.lastReceived = now
            connection.lastSent = now
        case .inProgress:
            if now - connection.lastReceived >= deadInterval { connectFailed("connect timed out", now: now) }
        case .failed(let reason):
            connectFailed(reason, now: now)
        }
    }

    /// Logged once per distinct reason: a mapper started before its broker must not flood the log.
    private func connectFailed(_ reason: String, now: Int64) {
        if lastConnectFailure != reason {
            log("cannot connect to \(endpoint): \(reason); retrying")
            lastConnectFailure = reason
        }
        closeConnections()
        resetSession()
        scheduleReconnect(now: now)
    }

    private func scheduleReconnect(now: Int64) {
        phase = .waitingToConnect(atMilliseconds: now + retryDelay)
        retryDelay = min(retryDelay * 2, MessageForwarder.maximumRetryDelay)
    }

    /// Drops both connections and everything in flight: the broker redelivers unacknowledged inputs, and the
    /// outputs are converted again from them (the output session is clean, nothing of it survives).
    private func drop(_ connection: ForwarderConnection, reason: String) {
        let now = clock.milliseconds
        guard connection.state == .established else {
            connectFailed(reason, now: now)
            if stopPhase != .running { finish(.notConnected) }
            return
        }
        log("disconnected from \(endpoint) (\(connection.role) session): \(reason)")
        closeConnections()
        resetSession()
        if stopPhase == .running {
            scheduleReconnect(now: now)
        } else {
            finish(.notConnected)
        }
    }

    private func protocolViolation(_ what: String, on connection: ForwarderConnection) {
        drop(connection, reason: "protocol violation by the broker: \(what)")
    }

    private func closeConnections() {
        input?.close()
        output?.close()
        input = nil
        output = nil
    }

    private func resetSession() {
        subscribed = false
        pendingInputs.removeAll()
        queuedOutputs.removeAll()
        inflight.removeAll()
        finalMessagesOutstanding = 0
    }

    private var keepAliveInterval: Int64 { Int64(configuration.keepAliveSeconds) * 1000 }
    /// MQTT 3.1.1 §3.1.2.10: one and a half keep-alive periods without traffic means the peer is gone.
    private var deadInterval: Int64 { keepAliveInterval * 3 / 2 }

    private func checkTimers(now: Int64) {
        for connection in [input, output].compactMap({ $0 }) where connection.state != .connecting {
            guard isCurrent(connection) else { return }
            // A connection we choose not to read is not silent; the output session, read throughout, still
            // notices a dead broker.
            if isPaused(connection) { connection.lastReceived = now }
            if now - connection.lastReceived >= deadInterval {
                drop(connection, reason: "nothing received for \(deadInterval) ms")
                return
            }
            if connection.state == .established && !connection.hasPendingWrites
                && now - connection.lastSent >= keepAliveInterval
            {
                append(.pingreq, to: connection)
            }
        }
    }

    private func nextDeadline(now: Int64) -> Int64 {
        var deadline = now + 60_000
        if case .waitingToConnect(let due) = phase { deadline = due }
        for connection in [input, output].compactMap({ $0 }) {
            if !isPaused(connection) { deadline = min(deadline, connection.lastReceived + deadInterval) }
            if connection.state == .established && !connection.hasPendingWrites {
                deadline = min(deadline, connection.lastSent + keepAliveInterval)
            }
        }
        switch stopPhase {
        case .drainingOutputs(let drainDeadline), .awaitingFinalMessages(let drainDeadline):
            deadline = min(deadline, drainDeadline)
        case .running, .finished: break
        }
        return deadline
    }

    // MARK: - Reading and backpressure

    /// The input session is not read while this much is waiting on it, nor during the drain. Checked before
    /// every packet, so not even what is already read and buffered goes past the window.
    private var isInputWindowFull: Bool {
        stopPhase != .running
            || pendingInputs.count >= configuration.inputWindow
            || queuedOutputs.count >= configuration.maxQueuedOutputs
            || (output?.pendingWriteBytes ?? 0) >= configuration.maxWriteBacklogBytes
    }

    private func isPaused(_ connection: ForwarderConnection) -> Bool {
        connection.role == .input && connection.state != .connecting && isInputWindowFull
    }

    private func readAvailable(_ connection: ForwarderConnection, now: Int64) {
        for _ in 0..<MessageForwarder.readsPerStep {
            guard isCurrent(connection), connection.state != .connecting else { return }
            // What an earlier read left buffered comes first, then the socket, unless the window is full.
            guard decodeBuffered(connection), !isPaused(connection) else { return }
            let chunk = connection.role == .input ? MessageForwarder.inputReadChunkBytes : readBuffer.count
            switch connection.transport.read(into: UnsafeMutableRawBufferPointer(rebasing: readBuffer[0..<chunk])) {
            case .bytes(let count):
                connection.lastReceived = now
                connection.decoder.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
                guard decodeBuffered(connection) else { return }
                if count < chunk { return }
            case .wouldBlock:
                return
            case .endOfStream:
                drop(connection, reason: "connection closed by the broker")
                return
            case .failed(let reason):
                drop(connection, reason: reason)
                return
            }
        }
    }

    /// Handles the decoded packets until the buffer is empty (true) or the connection is gone or paused (false).
    private func decodeBuffered(_ connection: ForwarderConnection) -> Bool {
        do {
            while !isPaused(connection), let decoded = try connection.decoder.nextDecoded() {
                if decoded.omittedPayloadBytes > 0, connection.role == .input,
                    case .publish(let message, let packetID, _) = decoded.packet
                {
                    handleOversizedInput(
                        message, packetID: packetID, size: decoded.omittedPayloadBytes,
                        on: connection)
                } else {
                    handle(decoded.packet, on: connection)
                }
                guard isCurrent(connection) else { return false }
            }
        } catch {
            drop(connection, reason: "protocol violation by the broker: \(error)")
            return false
        }
        return !isPaused(connection)
    }

    private func handle(_ packet: MQTTPacket, on connection: ForwarderConnection) {
        switch packet {
        case .connack(let sessionPresent, let returnCode):
            guard connection.state == .awaitingConnack else {
                return protocolViolation("unexpected CONNACK", on: connection)
            }
            guard returnCode == 0 else {
                return connectFailed(
                    "connection refused: \(MessageForwarder.connackReason(returnCode))",
                    now: clock.milliseconds)
            }
            connection.state = .established
            log("connected to \(endpoint) as \(clientID(for: connection.role)) (session present: \(sessionPresent))")
            if connection.role == .input {
                subscribe(on: connection)
            } else {
                sendQueuedOutputs()
            }
            becomeReadyIfComplete()
        case .suback(let packetID, let returnCodes):
            guard connection.role == .input, connection.state == .established, !subscribed,
                packetID == MessageForwarder.subscribePacketID
            else {
                return protocolViolation("unexpected SUBACK", on: connection)
            }
            for (filter, code) in zip(configuration.subscriptions, returnCodes) where code == 0x80 {
                log("the broker refused the subscription to \(filter)")
            }
            subscribed = true
            becomeReadyIfComplete()
        case .publish(let message, let packetID, _):
            guard connection.role == .input else {
                return protocolViolation("PUBLISH on the output session, which subscribes to nothing", on: connection)
            }
            guard connection.state == .established else {
                return protocolViolation("PUBLISH before CONNACK", on: connection)
            }
            handleInput(message, packetID: packetID, convert: convert)
        case .puback(let packetID):
            guard connection.role == .output else {
                return protocolViolation("PUBACK on the input session, which publishes nothing", on: connection)
            }
            guard connection.state == .established else {
                return protocolViolation("PUBACK before CONNACK", on: connection)
            }
            outputAcknowledged(packetID: packetID)
        case .pingresp:
            break
        case .connect, .subscribe, .pingreq, .disconnect:
            protocolViolation("unexpected packet from the broker: \(packet)", on: connection)
        }
    }

    private static func connackReason(_ code: UInt8) -> String {
        switch code {
        case 1: return "unacceptable protocol version"
        case 2: return "identifier rejected"
        case 3: return "server unavailable"
        case 4: return "bad user name or password"
        case 5: return "not authorised"
        default: return "return code \(code)"
        }
    }

    private func subscribe(on connection: ForwarderConnection) {
        guard !configuration.subscriptions.isEmpty else {
            subscribed = true
            return
        }
        let subscriptions = configuration.subscriptions.map { MQTTSubscription(filter: $0, qos: .atLeastOnce) }
        do {
            try connection.append(
                .subscribe(
                    packetID: MessageForwarder.subscribePacketID,
                    subscriptions: subscriptions))
        } catch {
            log("cannot subscribe: \(error)")
            subscribed = true
        }
    }

    /// Both sessions up and subscribed: only now are the ready messages true ("up" must mean messages will be
    /// forwarded).
    private func becomeReadyIfComplete() {
        guard phase == .connecting, subscribed, input?.state == .established, output?.state == .established else {
            return
        }
        phase = .ready
        retryDelay = MessageForwarder.firstRetryDelay
        lastConnectFailure = nil
        statistics.connections += 1
        guard stopPhase == .running else { return }
        for message in readyMessages() { publish(message, owner: .untracked) }
    }

    // MARK: - Forwarding

    /// An input too large to hold: what `oversizedInput` makes of it (an error report) stands for its outputs,
    /// so it is acknowledged like any other input instead of being redelivered forever.
    private func handleOversizedInput(
        _ message: MQTTMessage, packetID: UInt16?, size: Int,
        on connection: ForwarderConnection
    ) {
        guard connection.state == .established else {
            return protocolViolation("PUBLISH before CONNACK", on: connection)
        }
        handleInput(message, packetID: packetID) { [oversizedInput] _ in oversizedInput(message.topic, size) }
    }

    private func handleInput(_ message: MQTTMessage, packetID: UInt16?, convert: (MQTTMessage) -> [MQTTMessage]) {
        guard stopPhase == .running, let input else { return }
        statistics.inputsReceived += 1
        switch message.qos {
        case .exactlyOnce:
            log("received QoS 2 on \(message.topic) despite subscribing at QoS 1; disconnecting")
            append(.disconnect, to: input)
            if let reason = input.flush(now: clock.milliseconds) { return drop(input, reason: reason) }
            drop(input, reason: "QoS 2 input")
        case .atMostOnce:
            for output in convert(message) { publish(output, owner: .untracked) }
        case .atLeastOnce:
            guard let packetID else {
                return protocolViolation("QoS 1 PUBLISH without packet identifier", on: input)
            }
            let sequence = firstPendingSequence + pendingInputs.count
            pendingInputs.append(PendingInput(packetID: packetID, unacknowledgedOutputs: 0))
            for output in convert(message) {
                if output.qos != .atMostOnce {
                    pendingInputs[sequence - firstPendingSequence].unacknowledgedOutputs += 1
                }
                publish(output, owner: .input(sequence: sequence))
            }
            acknowledgeCompletedInputs()
        }
    }

    /// QoS 0 outputs go out at once; QoS 1 (and 2, sent as 1: this session does not speak the QoS 2 flow) wait
    /// for a slot in the in-flight window.
    private func publish(_ message: MQTTMessage, owner: OutputOwner) {
        guard message.qos != .atMostOnce else {
            append(.publish(message, packetID: nil, isDuplicate: false), to: output, describing: message.topic)
            return
        }
        var output = message
        output.qos = .atLeastOnce
        queuedOutputs.append(QueuedOutput(message: output, owner: owner))
        sendQueuedOutputs()
    }

    private func sendQueuedOutputs() {
        guard output?.state == .established else { return }
        while inflight.count < configuration.maxInflight, let next = queuedOutputs.popFirst() {
            sendTracked(next.message, owner: next.owner)
        }
    }

    private func sendTracked(_ message: MQTTMessage, owner: OutputOwner) {
        let packetID = allocatePacketID()
        if append(.publish(message, packetID: packetID, isDuplicate: false), to: output, describing: message.topic) {
            inflight[packetID] = owner
        } else {
            outputSettled(owner)
        }
    }

    private func outputAcknowledged(packetID: UInt16) {
        guard let owner = inflight.removeValue(forKey: packetID) else {
            log("PUBACK for unknown packet identifier \(packetID) ignored")
            return
        }
        outputSettled(owner)
        sendQueuedOutputs()
        acknowledgeCompletedInputs()
    }

    private func outputSettled(_ owner: OutputOwner) {
        switch owner {
        case .input(let sequence):
            let offset = sequence - firstPendingSequence
            guard offset >= 0, offset < pendingInputs.count else { return }
            pendingInputs[offset].unacknowledgedOutputs -= 1
        case .finalMessage:
            finalMessagesOutstanding -= 1
        case .untracked:
            break
        }
    }

    /// PUBACKs leave in the order the inputs arrived: only from the head of the queue.
    private func acknowledgeCompletedInputs() {
        while let head = pendingInputs.first, head.unacknowledgedOutputs <= 0 {
            _ = pendingInputs.popFirst()
            firstPendingSequence += 1
            append(.puback(packetID: head.packetID), to: input)
            statistics.inputsAcknowledged += 1
        }
    }

    private func allocatePacketID() -> UInt16 {
        while true {
            let candidate = nextPacketID
            nextPacketID = candidate == UInt16.max ? 1 : candidate + 1
            if inflight[candidate] == nil { return candidate }
        }
    }

    // MARK: - Drain

    private func advanceDrain(now: Int64) {
        switch stopPhase {
        case .drainingOutputs(let deadline):
            let outstanding = inflight.count + queuedOutputs.count
            if outstanding == 0 {
                publishFinalMessages(now: now)
            } else if now >= deadline {
                log("drain timed out with \(outstanding) outputs unacknowledged")
                drainShortfall = outstanding
                queuedOutputs.removeAll()
                publishFinalMessages(now: now)
            }
        case .awaitingFinalMessages(let deadline):
            if finalMessagesOutstanding <= 0 {
                finishDrain(finalMessagesAcknowledged: true)
            } else if now >= deadline {
                log("drain timed out waiting for \(finalMessagesOutstanding) final messages to be acknowledged")
                finishDrain(finalMessagesAcknowledged: false)
            }
        case .running, .finished:
            break
        }
    }

    /// Final messages bypass the in-flight window: after a timed-out drain it may still be full.
    private func publishFinalMessages(now: Int64) {
        for message in finalMessages() {
            if message.qos == .atMostOnce {
                append(.publish(message, packetID: nil, isDuplicate: false), to: output, describing: message.topic)
            } else {
                var final = message
                final.qos = .atLeastOnce
                finalMessagesOutstanding += 1
                sendTracked(final, owner: .finalMessage)
            }
        }
        stopPhase = .awaitingFinalMessages(deadline: now + configuration.drainTimeoutMilliseconds)
        advanceDrain(now: now)
    }

    private func finishDrain(finalMessagesAcknowledged: Bool) {
        let now = clock.milliseconds
        for connection in [input, output].compactMap({ $0 }) {
            append(.disconnect, to: connection)
            _ = connection.flush(now: now)
        }
        closeConnections()
        let outcome: DrainOutcome =
            drainShortfall == nil && finalMessagesAcknowledged
            ? .completed
            : .timedOut(
                unacknowledgedOutputs: drainShortfall ?? 0,
                finalMessagesAcknowledged: finalMessagesAcknowledged)
        log(outcome == .completed ? "drained; disconnected from \(endpoint)" : "stopped without a complete drain")
        resetSession()
        finish(outcome)
    }

    private func finish(_ outcome: DrainOutcome) {
        stopPhase = .finished(outcome)
    }

    // MARK: - Writing

    @discardableResult
    private func append(
        _ packet: MQTTPacket, to connection: ForwarderConnection?,
        describing topic: String? = nil
    ) -> Bool {
        guard let connection else { return false }
        do {
            try connection.append(packet)
            if case .publish = packet { statistics.outputsPublished += 1 }
            return true
        } catch {
            log("dropping output on \(topic ?? "?"): \(error)")
            return false
        }
    }

    private func flush() {
        let now = clock.milliseconds
        for connection in [input, output].compactMap({ $0 }) where isCurrent(connection) {
            if let reason = connection.flush(now: now) { drop(connection, reason: reason) }
        }
    }
}
