import Glibc
import TedgeMessaging

/// The mapper's data plane: subscribes at QoS 1, converts every input and acknowledges it only after the broker
/// has acknowledged every QoS 1 output produced from it, in the order the inputs arrived (MQTT 3.1.1 §4.6).
/// A crash therefore loses nothing: unacknowledged inputs are redelivered to the same client id (persistent
/// session) on the next connection. One thread, one poll(2) loop, bounded memory:
/// - at most `maxInflight` outgoing QoS 1 publishes unacknowledged; further outputs queue. The queue is bounded
///   because unacknowledged QoS 1 inputs are: by the broker's window and, as mosquitto 2.0.11 overshoots it,
///   by `maxPendingInputs` (inputs beyond are ignored, then redelivered after a clean reconnect);
/// - QoS 0 inputs are not flow-controlled by the broker, so they are dropped (counted and logged) while
///   `maxQueuedOutputs` outputs or `maxWriteBacklogBytes` bytes are waiting.
/// `run` drives it with poll; tests call `step` with an in-memory transport and a manual clock.
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
        case connecting
        case awaitingConnack
        case subscribing(packetID: UInt16)
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
    private var transport: (any MQTTTransport)?
    private var decoder: MQTTPacketDecoder
    private var writeBuffer: [UInt8] = []
    private var writeOffset = 0
    private var lastSent: Int64 = 0
    private var lastReceived: Int64 = 0
    private var retryDelay: Int64 = MessageForwarder.firstRetryDelay
    private var lastConnectFailure: String?
    private var sessionEstablished = false

    // Per-connection session state, dropped on disconnect: the broker redelivers what we did not acknowledge.
    private var pendingInputs = FIFOQueue<PendingInput>()
    private var firstPendingSequence = 0
    private var queuedOutputs = FIFOQueue<QueuedOutput>()
    private var inflight: [UInt16: OutputOwner] = [:]
    private var nextPacketID: UInt16 = 1
    private var finalMessagesOutstanding = 0
    private var drainShortfall: Int?
    private var droppedInCurrentOverload = 0
    /// QoS 1 inputs ignored on this connection since `maxPendingInputs` was reached; they come back after a
    /// reconnect, which happens once everything before them is acknowledged (keeping PUBACKs in order).
    private var ignoredInputs = 0

    private static let firstRetryDelay: Int64 = 100
    private static let maximumRetryDelay: Int64 = 500
    private static let readChunkBytes = 64 * 1024
    /// Reads per step before writing, so acknowledgements go out even under a continuous stream of input.
    private static let readsPerStep = 16

    public init(configuration: MessageForwarderConfiguration,
                convert: @escaping (MQTTMessage) -> [MQTTMessage],
                oversizedInput: @escaping (_ topic: String, _ payloadBytes: Int) -> [MQTTMessage] = { _, _ in [] },
                readyMessages: @escaping () -> [MQTTMessage] = { [] },
                finalMessages: @escaping () -> [MQTTMessage] = { [] },
                log: @escaping (String) -> Void,
                connector: @escaping MQTTTransportConnector = TCPTransport.connect,
                clock: any MonotonicClock = SystemMonotonicClock()) {
        self.configuration = configuration
        self.convert = convert
        self.oversizedInput = oversizedInput
        self.readyMessages = readyMessages
        self.finalMessages = finalMessages
        self.log = log
        self.connector = connector
        self.clock = clock
        decoder = MQTTPacketDecoder(maxRemainingLength: configuration.maxIncomingPacketBytes)
        readBuffer = .allocate(byteCount: MessageForwarder.readChunkBytes, alignment: 16)
    }

    deinit {
        transport?.close()
        readBuffer.deallocate()
    }

    // MARK: - Entry points

    /// Forwards until stopped (a signal on `stopSignals`, or `requestStop`), then drains and returns how.
    public func run(stopSignals: SignalDescriptor?) -> DrainOutcome {
        while true {
            if let outcome = runOnce(stopSignals: stopSignals) { return outcome }
        }
    }

    /// One loop iteration: waits (poll) at most `maxWaitMilliseconds` for the socket, a signal or a timer, then
    /// steps. Returns the outcome once the forwarder has finished.
    public func runOnce(maxWaitMilliseconds: Int32 = 1000, stopSignals: SignalDescriptor? = nil) -> DrainOutcome? {
        if let outcome { return outcome }
        var descriptors: [pollfd] = []
        if let stopSignals {
            descriptors.append(pollfd(fd: stopSignals.fileDescriptor, events: Int16(POLLIN), revents: 0))
        }
        if let transport, transport.fileDescriptor >= 0 {
            var events = Int16(POLLIN)
            if phase == .connecting || writeOffset < writeBuffer.count { events |= Int16(POLLOUT) }
            descriptors.append(pollfd(fd: transport.fileDescriptor, events: events, revents: 0))
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

    /// Starts the drain: no new input is converted (nor acknowledged: the broker redelivers it next session);
    /// outstanding outputs are awaited, then the final messages are published, then DISCONNECT.
    public func requestStop() {
        guard stopPhase == .running else { return }
        guard transport != nil, sessionEstablished else {
            closeTransport()
            finish(.notConnected)
            return
        }
        let outstanding = inflight.count + queuedOutputs.count
        log("stopping: waiting for \(outstanding) outstanding outputs to be acknowledged")
        stopPhase = .drainingOutputs(deadline: clock.milliseconds + configuration.drainTimeoutMilliseconds)
        advanceDrain(now: clock.milliseconds)
        flush()
    }

    /// One iteration without waiting: connect or reconnect when due, read everything available, handle timers,
    /// write everything produced in one go. Tests call this directly.
    public func step() {
        guard outcome == nil else { return }
        let now = clock.milliseconds
        switch phase {
        case .waitingToConnect(let due):
            if now >= due { openConnection(now: now) }
        case .connecting:
            finishConnecting(now: now)
        case .awaitingConnack, .subscribing, .ready:
            break
        }
        readAvailable(now: now)
        checkTimers(now: now)
        advanceDrain(now: now)
        flush()
    }

    /// Set once the forwarder has stopped.
    public var outcome: DrainOutcome? {
        if case .finished(let outcome) = stopPhase { return outcome }
        return nil
    }

    /// Subscribed (SUBACK received) on the current connection.
    public var isReady: Bool { phase == .ready }
    public var inflightCount: Int { inflight.count }
    public var queuedOutputCount: Int { queuedOutputs.count }
    public var pendingInputCount: Int { pendingInputs.count }

    // MARK: - Connection

    private var endpoint: String { "\(configuration.host):\(configuration.port)" }

    private func openConnection(now: Int64) {
        transport = connector(configuration.host, configuration.port)
        phase = .connecting
        lastReceived = now
        finishConnecting(now: now)
    }

    private func finishConnecting(now: Int64) {
        guard let transport else { return }
        switch transport.finishConnecting() {
        case .connected:
            let connect = MQTTConnect(clientID: configuration.clientID, cleanSession: false,
                                      keepAliveSeconds: configuration.keepAliveSeconds, will: configuration.will)
            do {
                try MQTTPacket.connect(connect).encode(into: &writeBuffer)
            } catch {
                connectFailed("invalid CONNECT: \(error)", now: now)
                return
            }
            phase = .awaitingConnack
            lastReceived = now
            lastSent = now
        case .inProgress:
            if now - lastReceived >= deadInterval { connectFailed("connect timed out", now: now) }
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
        closeTransport()
        resetSession()
        scheduleReconnect(now: now)
    }

    private func scheduleReconnect(now: Int64) {
        phase = .waitingToConnect(atMilliseconds: now + retryDelay)
        retryDelay = min(retryDelay * 2, MessageForwarder.maximumRetryDelay)
    }

    /// Drops the connection and everything in flight on it; the broker redelivers unacknowledged inputs.
    private func dropConnection(_ reason: String) {
        let now = clock.milliseconds
        guard sessionEstablished else {
            connectFailed(reason, now: now)
            if stopPhase != .running { finish(.notConnected) }
            return
        }
        log("disconnected from \(endpoint): \(reason)")
        closeTransport()
        resetSession()
        if stopPhase == .running {
            scheduleReconnect(now: now)
        } else {
            finish(.notConnected)
        }
    }

    private func closeTransport() {
        transport?.close()
        transport = nil
    }

    private func resetSession() {
        sessionEstablished = false
        pendingInputs.removeAll()
        queuedOutputs.removeAll()
        inflight.removeAll()
        finalMessagesOutstanding = 0
        ignoredInputs = 0
        writeBuffer = []
        writeOffset = 0
        decoder = MQTTPacketDecoder(maxRemainingLength: configuration.maxIncomingPacketBytes)
    }

    private var keepAliveInterval: Int64 { Int64(configuration.keepAliveSeconds) * 1000 }
    /// MQTT 3.1.1 §3.1.2.10: one and a half keep-alive periods without traffic means the peer is gone.
    private var deadInterval: Int64 { keepAliveInterval * 3 / 2 }

    private func checkTimers(now: Int64) {
        switch phase {
        case .waitingToConnect, .connecting: return
        case .awaitingConnack, .subscribing, .ready: break
        }
        if now - lastReceived >= deadInterval {
            dropConnection("nothing received for \(deadInterval) ms")
            return
        }
        if sessionEstablished && writeOffset == writeBuffer.count && now - lastSent >= keepAliveInterval {
            append(.pingreq)
        }
    }

    private func nextDeadline(now: Int64) -> Int64 {
        var deadline = now + 60_000
        switch phase {
        case .waitingToConnect(let due): deadline = due
        case .connecting: deadline = lastReceived + deadInterval
        case .awaitingConnack, .subscribing, .ready:
            deadline = lastReceived + deadInterval
            if sessionEstablished && writeOffset == writeBuffer.count {
                deadline = min(deadline, lastSent + keepAliveInterval)
            }
        }
        switch stopPhase {
        case .drainingOutputs(let drainDeadline), .awaitingFinalMessages(let drainDeadline):
            deadline = min(deadline, drainDeadline)
        case .running, .finished: break
        }
        return deadline
    }

    // MARK: - Reading

    private func readAvailable(now: Int64) {
        for _ in 0..<MessageForwarder.readsPerStep {
            guard let current = transport, phase != .connecting else { return }
            switch current.read(into: readBuffer) {
            case .bytes(let count):
                lastReceived = now
                decoder.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
                do {
                    while let decoded = try decoder.nextDecoded() {
                        if decoded.omittedPayloadBytes > 0, case .publish(let message, let packetID, _) = decoded.packet {
                            handleOversizedInput(message, packetID: packetID, size: decoded.omittedPayloadBytes)
                        } else {
                            handle(decoded.packet)
                        }
                        guard transport === current else { return }
                    }
                } catch {
                    dropConnection("protocol violation by the broker: \(error)")
                    return
                }
                if count < readBuffer.count { return }
            case .wouldBlock:
                return
            case .endOfStream:
                dropConnection("connection closed by the broker")
                return
            case .failed(let reason):
                dropConnection(reason)
                return
            }
        }
    }

    private func handle(_ packet: MQTTPacket) {
        switch packet {
        case .connack(let sessionPresent, let returnCode):
            guard phase == .awaitingConnack else { return protocolViolation("unexpected CONNACK") }
            guard returnCode == 0 else {
                return connectFailed("connection refused: \(MessageForwarder.connackReason(returnCode))",
                                     now: clock.milliseconds)
            }
            sessionEstablished = true
            retryDelay = MessageForwarder.firstRetryDelay
            lastConnectFailure = nil
            statistics.connections += 1
            log("connected to \(endpoint) as \(configuration.clientID) (session present: \(sessionPresent))")
            subscribe()
        case .suback(let packetID, let returnCodes):
            guard phase == .subscribing(packetID: packetID) else { return protocolViolation("unexpected SUBACK") }
            for (filter, code) in zip(configuration.subscriptions, returnCodes) where code == 0x80 {
                log("the broker refused the subscription to \(filter)")
            }
            becomeReady()
        case .publish(let message, let packetID, _):
            guard sessionEstablished else { return protocolViolation("PUBLISH before CONNACK") }
            handleInput(message, packetID: packetID)
        case .puback(let packetID):
            guard sessionEstablished else { return protocolViolation("PUBACK before CONNACK") }
            outputAcknowledged(packetID: packetID)
        case .pingresp:
            break
        case .connect, .subscribe, .pingreq, .disconnect:
            protocolViolation("unexpected packet from the broker: \(packet)")
        }
    }

    private func protocolViolation(_ what: String) {
        dropConnection("protocol violation by the broker: \(what)")
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

    private func subscribe() {
        guard !configuration.subscriptions.isEmpty else { return becomeReady() }
        let packetID = allocatePacketID()
        let subscriptions = configuration.subscriptions.map { MQTTSubscription(filter: $0, qos: .atLeastOnce) }
        do {
            try MQTTPacket.subscribe(packetID: packetID, subscriptions: subscriptions).encode(into: &writeBuffer)
            phase = .subscribing(packetID: packetID)
        } catch {
            log("cannot subscribe: \(error)")
            becomeReady()
        }
    }

    /// Subscribed: only now are the ready messages true ("up" must mean messages will be forwarded).
    private func becomeReady() {
        phase = .ready
        guard stopPhase == .running else { return }
        for message in readyMessages() { publish(message, owner: .untracked) }
    }

    // MARK: - Forwarding

    /// An input too large to hold: what `oversizedInput` makes of it (an error report) stands for its outputs,
    /// so it is acknowledged like any other input instead of being redelivered forever.
    private func handleOversizedInput(_ message: MQTTMessage, packetID: UInt16?, size: Int) {
        guard sessionEstablished else { return protocolViolation("PUBLISH before CONNACK") }
        handleInput(message, packetID: packetID) { [oversizedInput] _ in oversizedInput(message.topic, size) }
    }

    private func handleInput(_ message: MQTTMessage, packetID: UInt16?) {
        handleInput(message, packetID: packetID, convert: convert)
    }

    private func handleInput(_ message: MQTTMessage, packetID: UInt16?, convert: (MQTTMessage) -> [MQTTMessage]) {
        // Draining: not converted, not acknowledged; the broker redelivers it to the next session.
        guard stopPhase == .running else { return }
        statistics.inputsReceived += 1
        switch message.qos {
        case .exactlyOnce:
            log("received QoS 2 on \(message.topic) despite subscribing at QoS 1; disconnecting")
            append(.disconnect)
            flush()
            if transport != nil { dropConnection("QoS 2 input") }
        case .atMostOnce:
            if queuedOutputs.count >= configuration.maxQueuedOutputs
                || writeBuffer.count - writeOffset >= configuration.maxWriteBacklogBytes {
                if droppedInCurrentOverload == 0 {
                    log("output backlog full: dropping QoS 0 inputs (first on \(message.topic))")
                }
                droppedInCurrentOverload += 1
                statistics.droppedQoS0Inputs += 1
                return
            }
            if droppedInCurrentOverload > 0 {
                log("dropped \(droppedInCurrentOverload) QoS 0 inputs while the output backlog was full")
                droppedInCurrentOverload = 0
            }
            for output in convert(message) { publish(output, owner: .untracked) }
        case .atLeastOnce:
            guard let packetID else { return protocolViolation("QoS 1 PUBLISH without packet identifier") }
            if ignoredInputs > 0 || pendingInputs.count >= configuration.maxPendingInputs {
                if ignoredInputs == 0 {
                    log("\(pendingInputs.count) inputs unacknowledged: ignoring new inputs until they are forwarded, "
                        + "then reconnecting to have the ignored ones redelivered")
                }
                ignoredInputs += 1
                statistics.ignoredQoS1Inputs += 1
                return
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
            append(.publish(message, packetID: nil, isDuplicate: false), describing: message.topic)
            return
        }
        var output = message
        output.qos = .atLeastOnce
        queuedOutputs.append(QueuedOutput(message: output, owner: owner))
        sendQueuedOutputs()
    }

    private func sendQueuedOutputs() {
        while inflight.count < configuration.maxInflight, let next = queuedOutputs.popFirst() {
            sendTracked(next.message, owner: next.owner)
        }
    }

    private func sendTracked(_ message: MQTTMessage, owner: OutputOwner) {
        let packetID = allocatePacketID()
        if append(.publish(message, packetID: packetID, isDuplicate: false), describing: message.topic) {
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
            append(.puback(packetID: head.packetID))
            statistics.inputsAcknowledged += 1
        }
        if ignoredInputs > 0 && pendingInputs.isEmpty && stopPhase == .running, transport != nil {
            append(.disconnect)
            flush()
            if transport != nil { dropConnection("reconnecting to have \(ignoredInputs) ignored inputs redelivered") }
        }
    }

    private func allocatePacketID() -> UInt16 {
        while true {
            let candidate = nextPacketID
            nextPacketID = candidate == UInt16.max ? 1 : candidate + 1
            if inflight[candidate] == nil && phase != .subscribing(packetID: candidate) { return candidate }
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
                append(.publish(message, packetID: nil, isDuplicate: false), describing: message.topic)
            } else {
                var output = message
                output.qos = .atLeastOnce
                finalMessagesOutstanding += 1
                sendTracked(output, owner: .finalMessage)
            }
        }
        stopPhase = .awaitingFinalMessages(deadline: now + configuration.drainTimeoutMilliseconds)
        advanceDrain(now: now)
    }

    private func finishDrain(finalMessagesAcknowledged: Bool) {
        append(.disconnect)
        flush()
        closeTransport()
        let outcome: DrainOutcome = drainShortfall == nil && finalMessagesAcknowledged
            ? .completed
            : .timedOut(unacknowledgedOutputs: drainShortfall ?? 0,
                        finalMessagesAcknowledged: finalMessagesAcknowledged)
        log(outcome == .completed ? "drained; disconnected from \(endpoint)" : "stopped without a complete drain")
        resetSession()
        finish(outcome)
    }

    private func finish(_ outcome: DrainOutcome) {
        stopPhase = .finished(outcome)
    }

    // MARK: - Writing

    /// Encodes into the write buffer, flushed once per step: many packets, one write call.
    @discardableResult
    private func append(_ packet: MQTTPacket, describing topic: String? = nil) -> Bool {
        do {
            try packet.encode(into: &writeBuffer)
            if case .publish = packet { statistics.outputsPublished += 1 }
            return true
        } catch {
            log("dropping output on \(topic ?? "?"): \(error)")
            return false
        }
    }

    private func flush() {
        guard let current = transport else { return }
        while writeOffset < writeBuffer.count {
            let result = writeBuffer.withUnsafeBytes { bytes in
                current.write(UnsafeRawBufferPointer(rebasing: bytes[writeOffset...]))
            }
            switch result {
            case .wrote(let count):
                writeOffset += count
                lastSent = clock.milliseconds
                if count == 0 { return }
            case .wouldBlock:
                compactWriteBuffer()
                return
            case .failed(let reason):
                dropConnection(reason)
                return
            }
        }
        compactWriteBuffer()
    }

    private func compactWriteBuffer() {
        if writeOffset == writeBuffer.count {
            // A burst may have grown the buffer; do not keep a large one for an idle mapper.
            if writeBuffer.capacity > 256 * 1024 {
                writeBuffer = []
            } else {
                writeBuffer.removeAll(keepingCapacity: true)
            }
            writeOffset = 0
        } else if writeOffset >= 64 * 1024 {
            writeBuffer.removeSubrange(0..<writeOffset)
            writeOffset = 0
        }
    }
}
