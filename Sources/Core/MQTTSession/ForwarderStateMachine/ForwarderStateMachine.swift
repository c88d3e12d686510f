import TedgeMessaging

/// The forwarder's logic without I/O, as swift-nio pairs a `…StateMachine` with its handler: `MessageForwarder`
/// feeds it events (connections opened, failed and closed, packets received per session, time, the messages it
/// asked for, a stop) and carries out the actions it queues (`nextAction()`). It owns:
/// - the acknowledgement ledger: an input's PUBACK leaves only after the broker has acknowledged every QoS 1
///   output converted from it, in the order the inputs arrived;
/// - the output window: at most `maxInflight` QoS 1 outputs unacknowledged, and nothing but CONNECT written to a
///   session before its CONNACK, QoS 0 outputs included;
/// - the input window: the input session is not read while too much waits (TCP backpressure), nor during a drain;
/// - the phases: waiting to (re)connect with backoff, connecting and subscribing, ready, draining, finished;
/// - keep-alive: PINGREQ on a session idle for the keep-alive, a dead broker after 1.5 × keep-alive of silence.
/// A disconnect of either session drops both and everything in flight: the broker redelivers the inputs.
struct ForwarderStateMachine {
    enum Phase: Equatable {
        case waitingToConnect(atMilliseconds: Int64)
        /// Both sessions opening: CONNECT and CONNACK on each, SUBSCRIBE and SUBACK on the input.
        case connecting
        case ready
        case draining(ForwarderDrain)
        case finished(DrainOutcome)
    }

    /// A request for messages not answered yet, and who the messages will belong to.
    private struct PendingRequest {
        let id: Int
        let owner: OutputWindow.Owner
    }

    let configuration: MessageForwarderConfiguration
    private(set) var phase: Phase = .waitingToConnect(atMilliseconds: 0)
    private(set) var input = ForwarderSession()
    private(set) var output = ForwarderSession()
    private(set) var statistics = MessageForwarderStatistics()
    private var ledger = AcknowledgementLedger()
    private var window: OutputWindow
    private var backoff = ReconnectBackoff()
    private var requests = FIFOQueue<PendingRequest>()
    private var lastRequestID = 0
    private var outputBacklogBytes = 0
    /// Cloud-bound outputs of this iteration not yet handed to the store (group commit: one append per iteration).
    private var storeBatch = StoreBatch()
    /// The batch being appended: its id and whom it settles once the append returned.
    private var appending: StoreBatch?
    private var lastBatchID = 0
    private var actions = FIFOQueue<ForwarderAction>()
    /// The time of the event being handled.
    private var now: Int64 = 0

    /// The input session's only SUBSCRIBE; it publishes nothing, so no other identifier is in use there.
    static let subscribePacketID: UInt16 = 1

    init(configuration: MessageForwarderConfiguration) {
        self.configuration = configuration
        window = OutputWindow(maxInflight: configuration.maxInflight)
    }

    // MARK: - What the driver reads

    /// The next thing to do, oldest first; the driver carries them all out after every event.
    mutating func nextAction() -> ForwarderAction? { actions.popFirst() }

    var outcome: DrainOutcome? {
        if case .finished(let outcome) = phase { return outcome }
        return nil
    }

    /// Both sessions connected and the input session's SUBACK received.
    var isReady: Bool { input.link == .established && output.link == .established }
    var inflightCount: Int { window.inflightCount }
    var queuedOutputCount: Int { window.queuedCount }
    var pendingInputCount: Int { ledger.count }

    func session(_ role: MQTTSessionRole) -> ForwarderSession { role == .input ? input : output }

    /// The input session is not read while this much waits, nor during the drain. Asked before every packet, so
    /// not even what is already read and buffered goes past the window.
    var isInputPaused: Bool {
        guard input.isOpen else { return false }
        if isStopping { return true }
        return ledger.count >= configuration.inputWindow || window.queuedCount >= configuration.maxQueuedOutputs
            || outputBacklogBytes >= configuration.maxWriteBacklogBytes
    }

    /// Whether the driver should read (and poll for reading) the session's connection.
    func isReadable(_ role: MQTTSessionRole) -> Bool {
        session(role).isOpen && !(role == .input && isInputPaused)
    }

    /// When `tick` next has something to do, at the latest a minute from `now`.
    func nextDeadline(after now: Int64) -> Int64 {
        var deadline = now + 60_000
        switch phase {
        case .waitingToConnect(let due): deadline = due
        case .draining(let drain) where drain.stage != .producingFinalMessages: deadline = min(deadline, drain.deadline)
        default: break
        }
        for role in [MQTTSessionRole.input, .output] where session(role).link != .closed {
            if !(role == .input && isInputPaused) { deadline = min(deadline, session(role).lastReceived + deadInterval) }
            if session(role).isConnected { deadline = min(deadline, session(role).lastSent + keepAliveInterval) }
        }
        return deadline
    }

    // MARK: - Events

    /// Time passes: connect when due, keep-alive and dead brokers, drain deadlines.
    mutating func tick(now: Int64) {
        self.now = now
        if case .waitingToConnect(let due) = phase, now >= due { open() }
        checkTimers()
        advanceDrain()
    }

    mutating func connectionOpened(_ role: MQTTSessionRole, now: Int64) {
        self.now = now
        guard session(role).link == .opening else { return }
        // The will belongs to the input session: it is the one whose loss means the mapper is gone. The output
        // session may carry a second one (a mapper announces `down` on both tedge/health and te/).
        let connect =
            role == .input
            ? MQTTConnect(
                clientID: configuration.clientID, cleanSession: false, keepAliveSeconds: configuration.keepAliveSeconds,
                will: configuration.will)
            : MQTTConnect(
                clientID: configuration.outputClientID, cleanSession: true, keepAliveSeconds: configuration.keepAliveSeconds,
                will: configuration.outputWill)
        update(role) {
            $0.link = .awaitingConnack
            $0.lastReceived = now
        }
        write(.connect(connect), to: role)
    }

    /// The transport could not connect (refused, unreachable).
    mutating func connectionFailed(_ role: MQTTSessionRole, reason: String, now: Int64) {
        self.now = now
        guard session(role).link == .opening else { return }
        connectFailed(reason)
    }

    /// The connection ended: closed by the broker, a read or write failed, or its bytes broke the protocol.
    mutating func connectionClosed(_ role: MQTTSessionRole, reason: String, now: Int64) {
        self.now = now
        guard session(role).link != .closed else { return }
        drop(role, reason: reason)
    }

    /// Bytes arrived, whole packets or not: the broker is alive.
    mutating func bytesReceived(on role: MQTTSessionRole, now: Int64) {
        guard session(role).link != .closed else { return }
        update(role) { $0.lastReceived = now }
    }

    /// `omittedPayloadBytes`: the payload of a PUBLISH too large to receive, skipped by the decoder.
    mutating func packetReceived(
        _ packet: MQTTPacket, omittedPayloadBytes: Int = 0, on role: MQTTSessionRole, now: Int64
    ) {
        self.now = now
        guard session(role).isOpen else { return }
        switch packet {
        case .connack(let sessionPresent, let returnCode):
            guard session(role).link == .awaitingConnack else { return protocolViolation("unexpected CONNACK", on: role) }
            guard returnCode == 0 else {
                return connectFailed("connection refused: \(ConnackRefusal.reason(returnCode))")
            }
            log("connected to \(endpoint) as \(clientID(of: role)) (session present: \(sessionPresent))")
            if role == .input {
                subscribe()
            } else {
                output.link = .established
                sendQueuedOutputs()
            }
            becomeReadyIfComplete()
        case .suback(let packetID, let returnCodes):
            guard role == .input, input.link == .subscribing, packetID == ForwarderStateMachine.subscribePacketID else {
                return protocolViolation("unexpected SUBACK", on: role)
            }
            for (filter, code) in zip(configuration.subscriptions, returnCodes) where code == 0x80 {
                log("the broker refused the subscription to \(filter)")
            }
            input.link = .established
            becomeReadyIfComplete()
        case .publish(let message, let packetID, _):
            guard role == .input else {
                return protocolViolation("PUBLISH on the output session, which subscribes to nothing", on: role)
            }
            guard input.isConnected else { return protocolViolation("PUBLISH before CONNACK", on: role) }
            receiveInput(
                message, packetID: packetID,
                request: omittedPayloadBytes > 0
                    ? .reportOversizedInput(topic: message.topic, payloadBytes: omittedPayloadBytes) : .convert(message))
        case .puback(let packetID):
            guard role == .output else {
                return protocolViolation("PUBACK on the input session, which publishes nothing", on: role)
            }
            guard output.link == .established else { return protocolViolation("PUBACK before CONNACK", on: role) }
            outputAcknowledged(packetID)
        case .pingresp:
            break
        case .connect, .subscribe, .pingreq, .disconnect:
            protocolViolation("unexpected packet from the broker: \(packet)", on: role)
        }
    }

    /// The answer to a `.produce` request. Requests are answered in the order they were made. `stored`: the
    /// cloud-bound outputs (built-in bridge), which go to the durable store instead of the local broker; an input
    /// is acknowledged only once the append that holds them has returned.
    mutating func produced(_ messages: [MQTTMessage], stored: [MQTTMessage] = [], for requestID: Int, now: Int64) {
        self.now = now
        guard let request = requests.first, request.id == requestID else {
            precondition(requests.first.map { requestID < $0.id } ?? true, "requests answered out of order")
            return  // made for a session dropped since
        }
        _ = requests.popFirst()
        switch request.owner {
        case .finalMessage:
            publishFinalMessages(messages)
        case .untracked, .external:
            for message in messages { publish(message, owner: .untracked) }
            for message in stored { storeBatch.add(message, owner: .untracked) }
        case .input(let sequence):
            for message in messages {
                if message.qos != .atMostOnce { ledger.addOutput(to: sequence) }
                publish(message, owner: request.owner)
            }
            for message in stored {
                ledger.addOutput(to: sequence)
                storeBatch.add(message, owner: request.owner)
            }
            ledger.settle(sequence)
            acknowledgeCompletedInputs()
        }
    }

    /// The end of an iteration: what it converted for the cloud is appended as one batch (one sync).
    mutating func commitStoreBatch(now: Int64) {
        self.now = now
        guard appending == nil, !storeBatch.isEmpty else { return }
        lastBatchID += 1
        var batch = storeBatch
        batch.id = lastBatchID
        storeBatch = StoreBatch()
        appending = batch
        actions.append(.appendToStore(batch: batch.id, batch.messages))
    }

    /// The append returned: the batch is on disk, so the inputs it settles may be acknowledged.
    mutating func stored(batch id: Int, now: Int64) {
        self.now = now
        guard let batch = appending, batch.id == id else { return }  // made for a session dropped since
        appending = nil
        for owner in batch.owners { settle(owner) }
        acknowledgeCompletedInputs()
        advanceDrain()
    }

    /// The append failed (disk full, I/O error): nothing of the batch is acknowledged; both sessions are dropped so
    /// that the broker redelivers the inputs, and the next attempt converts them again.
    mutating func storeFailed(batch id: Int, reason: String, now: Int64) {
        self.now = now
        guard let batch = appending, batch.id == id else { return }
        appending = nil
        guard input.link != .closed else { return }
        let wasStopping = isStopping
        log("cannot store cloud-bound messages: \(reason)")
        closeConnections()
        resetSession()
        phase = wasStopping ? .finished(.notConnected) : .waitingToConnect(atMilliseconds: backoff.nextAttempt(after: now))
    }

    /// Publishes a message from elsewhere (the built-in bridge's inbound message) on the output session, at QoS 1
    /// through the window; `externalDelivered(token)` follows the broker's PUBACK. Refused (false) unless ready:
    /// the caller keeps it and hands it in again once the forwarder is ready.
    mutating func publishExternal(_ message: MQTTMessage, token: Int, now: Int64) -> Bool {
        self.now = now
        guard phase == .ready else { return false }
        if message.qos == .atMostOnce {
            write(.publish(message, packetID: nil, isDuplicate: false), to: .output)
            actions.append(.externalDelivered(token: token))
        } else {
            publish(message, owner: .external(token: token))
        }
        return true
    }

    /// Publishes a message that nothing waits for (health, metrics, an operation handler's answer, a timer's
    /// request): no input is acknowledged for it. It goes through the output window like any output, waits for the
    /// output session's CONNACK, and is dropped with everything in flight when a session drops; refused once stopping.
    mutating func publishUntracked(_ message: MQTTMessage, now: Int64) {
        self.now = now
        guard !isStopping else { return }
        publish(message, owner: .untracked)
    }

    /// A packet could not be encoded (an output topic with a wildcard, say): nothing of it was written.
    mutating func writeRejected(_ packet: MQTTPacket, on role: MQTTSessionRole, error: MQTTProtocolError, now: Int64) {
        self.now = now
        guard session(role).link != .closed else { return }
        switch packet {
        case .connect:
            connectFailed("invalid CONNECT: \(error)")
        case .subscribe:
            log("cannot subscribe: \(error)")
            input.link = .established
            becomeReadyIfComplete()
        case .publish(let message, let packetID, _):
            // What cannot be sent counts as forwarded: its input is acknowledged rather than redelivered forever.
            statistics.outputsPublished -= 1
            log("dropping output on \(message.topic): \(error)")
            guard let packetID, let owner = window.release(packetID) else { return }
            settle(owner)
            sendQueuedOutputs()
            acknowledgeCompletedInputs()
            advanceDrain()
        default:
            log("cannot send \(packet): \(error)")
        }
    }

    /// Bytes waiting to be written on the output session's socket.
    mutating func outputBacklogChanged(bytes: Int) { outputBacklogBytes = bytes }

    /// Starts the drain: the input session is no longer read (the broker keeps what it has not delivered and
    /// redelivers what is not acknowledged); outstanding outputs are awaited, their inputs acknowledged, then the
    /// final messages are published, then DISCONNECT on both sessions.
    mutating func requestStop(now: Int64) {
        self.now = now
        guard !isStopping else { return }
        guard input.isConnected, output.link == .established else {
            closeConnections()
            resetSession()
            phase = .finished(.notConnected)
            return
        }
        log("stopping: waiting for \(window.outstandingCount) outstanding outputs to be acknowledged")
        phase = .draining(ForwarderDrain(deadline: now + configuration.drainTimeoutMilliseconds))
        advanceDrain()
    }

    // MARK: - Connection

    private var endpoint: String { "\(configuration.host):\(configuration.port)" }
    private var keepAliveInterval: Int64 { Int64(configuration.keepAliveSeconds) * 1000 }
    /// MQTT 3.1.1 §3.1.2.10: one and a half keep-alive periods without traffic means the peer is gone.
    private var deadInterval: Int64 { keepAliveInterval * 3 / 2 }

    private var isStopping: Bool {
        switch phase {
        case .draining, .finished: return true
        default: return false
        }
    }

    private func clientID(of role: MQTTSessionRole) -> String {
        role == .input ? configuration.clientID : configuration.outputClientID
    }

    private mutating func update(_ role: MQTTSessionRole, _ change: (inout ForwarderSession) -> Void) {
        if role == .input { change(&input) } else { change(&output) }
    }

    private mutating func open() {
        phase = .connecting
        input = ForwarderSession(link: .opening, lastSent: now, lastReceived: now)
        output = input
        actions.append(.openConnections)
    }

    private mutating func connectFailed(_ reason: String) {
        if backoff.recordFailure(reason) { log("cannot connect to \(endpoint): \(reason); retrying") }
        closeConnections()
        resetSession()
        phase = .waitingToConnect(atMilliseconds: backoff.nextAttempt(after: now))
    }

    /// Drops both connections and everything in flight: the broker redelivers unacknowledged inputs, and the
    /// outputs are converted again from them (the output session is clean, nothing of it survives).
    private mutating func drop(_ role: MQTTSessionRole, reason: String) {
        let wasStopping = isStopping
        if session(role).isConnected {
            log("disconnected from \(endpoint) (\(role) session): \(reason)")
            closeConnections()
            resetSession()
            phase = .waitingToConnect(atMilliseconds: backoff.nextAttempt(after: now))
        } else {
            connectFailed(reason)
        }
        if wasStopping { phase = .finished(.notConnected) }
    }

    private mutating func protocolViolation(_ what: String, on role: MQTTSessionRole) {
        drop(role, reason: "protocol violation by the broker: \(what)")
    }

    private mutating func closeConnections() {
        actions.append(.closeConnections)
        input = ForwarderSession()
        output = ForwarderSession()
        outputBacklogBytes = 0
    }

    private mutating func resetSession() {
        ledger.reset()
        window.reset()
        requests.removeAll()
        // Not yet on disk and not acknowledged: the inputs are redelivered and converted again.
        storeBatch = StoreBatch()
        appending = nil
    }

    private mutating func checkTimers() {
        for role in [MQTTSessionRole.input, .output] {
            switch session(role).link {
            case .closed:
                continue
            case .opening:
                if now - session(role).lastReceived >= deadInterval { return connectFailed("connect timed out") }
            default:
                // A session we choose not to read is not silent; the output session, read throughout, still
                // notices a dead broker.
                if role == .input && isInputPaused { input.lastReceived = now }
                if now - session(role).lastReceived >= deadInterval {
                    return drop(role, reason: "nothing received for \(deadInterval) ms")
                }
                if session(role).isConnected && now - session(role).lastSent >= keepAliveInterval {
                    write(.pingreq, to: role)
                }
            }
        }
    }

    private mutating func subscribe() {
        guard !configuration.subscriptions.isEmpty else {
            input.link = .established
            return
        }
        input.link = .subscribing
        let subscriptions = configuration.subscriptions.map { MQTTSubscription(filter: $0, qos: .atLeastOnce) }
        write(.subscribe(packetID: ForwarderStateMachine.subscribePacketID, subscriptions: subscriptions), to: .input)
    }

    /// Both sessions up and subscribed: only now are the ready messages true ("up" must mean messages will be
    /// forwarded).
    private mutating func becomeReadyIfComplete() {
        guard phase == .connecting, isReady else { return }
        phase = .ready
        backoff.reset()
        statistics.connections += 1
        request(.readyMessages, owner: .untracked)
    }


    // MARK: - Forwarding

    private mutating func receiveInput(_ message: MQTTMessage, packetID: UInt16?, request kind: ForwarderOutputRequest.Kind) {
        guard !isStopping else { return }
        statistics.inputsReceived += 1
        switch message.qos {
        case .exactlyOnce:
            log("received QoS 2 on \(message.topic) despite subscribing at QoS 1; disconnecting")
            write(.disconnect, to: .input)
            actions.append(.flush(.input))
            drop(.input, reason: "QoS 2 input")
        case .atMostOnce:
            request(kind, owner: .untracked)
        case .atLeastOnce:
            guard let packetID else { return protocolViolation("QoS 1 PUBLISH without packet identifier", on: .input) }
            request(kind, owner: .input(sequence: ledger.receive(packetID: packetID)))
        }
    }

    private mutating func request(_ kind: ForwarderOutputRequest.Kind, owner: OutputWindow.Owner) {
        lastRequestID += 1
        requests.append(PendingRequest(id: lastRequestID, owner: owner))
        actions.append(.produce(ForwarderOutputRequest(id: lastRequestID, kind: kind)))
    }

    /// A QoS 0 output goes out at once when the output session is established, ahead of QoS 1 outputs waiting for
    /// the window; otherwise it waits in the queue, as QoS 1 outputs do, for the output session's CONNACK.
    private mutating func publish(_ message: MQTTMessage, owner: OutputWindow.Owner) {
        guard message.qos != .atMostOnce || output.link != .established else {
            return write(.publish(message, packetID: nil, isDuplicate: false), to: .output)
        }
        window.enqueue(message, owner: owner)
        sendQueuedOutputs()
    }

    private mutating func sendQueuedOutputs() {
        guard output.link == .established else { return }
        while let next = window.takeSendable() {
            write(.publish(next.message, packetID: next.packetID, isDuplicate: false), to: .output)
        }
    }

    private mutating func outputAcknowledged(_ packetID: UInt16) {
        guard let owner = window.release(packetID) else {
            return log("PUBACK for unknown packet identifier \(packetID) ignored")
        }
        settle(owner)
        sendQueuedOutputs()
        acknowledgeCompletedInputs()
    }

    private mutating func settle(_ owner: OutputWindow.Owner) {
        switch owner {
        case .input(let sequence):
            ledger.settle(sequence)
        case .finalMessage:
            guard case .draining(var drain) = phase else { return }
            drain.finalMessagesOutstanding -= 1
            phase = .draining(drain)
        case .external(let token):
            actions.append(.externalDelivered(token: token))
        case .untracked:
            break
        }
    }

    private mutating func acknowledgeCompletedInputs() {
        while let packetID = ledger.popAcknowledgeable() {
            write(.puback(packetID: packetID), to: .input)
            statistics.inputsAcknowledged += 1
        }
    }

    private mutating func write(_ packet: MQTTPacket, to role: MQTTSessionRole) {
        let now = self.now
        update(role) { $0.lastSent = now }
        if case .publish = packet { statistics.outputsPublished += 1 }
        actions.append(.write(packet, to: role))
    }

    private mutating func log(_ line: String) { actions.append(.log(line)) }

    // MARK: - Drain

    private mutating func advanceDrain() {
        guard case .draining(var drain) = phase else { return }
        switch drain.stage {
        case .outputs:
            if window.outstandingCount == 0 && requests.isEmpty && storeBatch.isEmpty && appending == nil {
                drain.stage = .producingFinalMessages
            } else if now >= drain.deadline {
                log("drain timed out with \(window.outstandingCount) outputs unacknowledged")
                drain.shortfall = window.outstandingCount
                drain.stage = .producingFinalMessages
                window.dropQueued()
                requests.removeAll()
                storeBatch = StoreBatch()
            } else {
                return
            }
            phase = .draining(drain)
            request(.finalMessages, owner: .finalMessage)
        case .producingFinalMessages:
            break
        case .finalMessages:
            if drain.finalMessagesOutstanding <= 0 {
                finishDrain(drain, finalMessagesAcknowledged: true)
            } else if now >= drain.deadline {
                log("drain timed out waiting for \(drain.finalMessagesOutstanding) final messages to be acknowledged")
                finishDrain(drain, finalMessagesAcknowledged: false)
            }
        }
    }

    /// Final messages bypass the in-flight window: after a timed-out drain it may still be full.
    private mutating func publishFinalMessages(_ messages: [MQTTMessage]) {
        guard case .draining(var drain) = phase, drain.stage == .producingFinalMessages else { return }
        for message in messages {
            if message.qos == .atMostOnce {
                write(.publish(message, packetID: nil, isDuplicate: false), to: .output)
            } else {
                var final = message
                final.qos = .atLeastOnce
                drain.finalMessagesOutstanding += 1
                write(.publish(final, packetID: window.track(.finalMessage), isDuplicate: false), to: .output)
            }
        }
        drain.stage = .finalMessages
        drain.deadline = now + configuration.drainTimeoutMilliseconds
        phase = .draining(drain)
        advanceDrain()
    }

    private mutating func finishDrain(_ drain: ForwarderDrain, finalMessagesAcknowledged: Bool) {
        for role in [MQTTSessionRole.input, .output] {
            write(.disconnect, to: role)
            actions.append(.flush(role))
        }
        closeConnections()
        let outcome: DrainOutcome =
            drain.shortfall == nil && finalMessagesAcknowledged
            ? .completed
            : .timedOut(unacknowledgedOutputs: drain.shortfall ?? 0, finalMessagesAcknowledged: finalMessagesAcknowledged)
        log(outcome == .completed ? "drained; disconnected from \(endpoint)" : "stopped without a complete drain")
        resetSession()
        phase = .finished(outcome)
    }
}
