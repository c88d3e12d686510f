import TedgeMessaging

/// The built-in bridge's cloud session without I/O (events in, actions out, like `ForwarderStateMachine`):
/// - outbound: sends what the durable store holds, oldest first, at most `maxInflight` unacknowledged, and asks
///   for a removal only up to the last sequence whose whole prefix the cloud has acknowledged; after a lost
///   connection it starts again from the oldest unacknowledged message (sent with DUP), so nothing the store holds
///   is skipped, and a removal never precedes the cloud's PUBACK;
/// - inbound: each cloud message is handed to the local broker and acknowledged to the cloud only once the local
///   broker has acknowledged it, in the order received (MQTT 3.1.1 §4.6); while the local side is not ready the
///   messages wait (bounded: the socket is not read past `maxPendingInbound`) and are handed over again later;
/// - connecting with `CloudReconnectPolicy`'s backoff, each refusal reason logged once; keep-alive.
public struct CloudSessionStateMachine {
    public enum Phase: Equatable {
        case waitingToConnect(atMilliseconds: Int64)
        /// CONNECT, CONNACK, SUBSCRIBE, SUBACK.
        case connecting
        case connected
        case stopped
    }

    private struct Sent {
        var sequence: Int64
        var packetID: UInt16
        var acknowledged = false
    }

    private struct Inbound {
        var packetID: UInt16?
        var message: MQTTMessage
        /// The token of the current hand-over to the local broker, nil while not handed over.
        var token: Int?
        var delivered = false
    }

    public let configuration: CloudSessionConfiguration
    public private(set) var phase: Phase = .waitingToConnect(atMilliseconds: 0)
    private(set) var link = ForwarderSession()
    private var backoff: CloudBackoff
    private var actions = FIFOQueue<CloudSessionAction>()
    private var now: Int64 = 0

    // Outbound.
    private var sent = FIFOQueue<Sent>()
    /// The last sequence handed to the cloud in this connection (fetches continue after it).
    private var lastFetched: Int64 = 0
    /// Everything up to here is acknowledged by the cloud (and removed, or about to be).
    private(set) var acknowledgedUpTo: Int64 = 0
    /// The highest sequence ever sent: a resend of one at or below it carries DUP.
    private var highestSent: Int64 = 0
    private var removalDue: Int64?
    private var lastRemoved: Int64 = 0
    private var lastRemovalAt: Int64 = 0
    private var fetchOutstanding = false
    private var storeMayHaveMore = true
    private var nextPacketID: UInt16 = 1

    // Inbound.
    private var inbound = FIFOQueue<Inbound>()
    private var localReady = false
    private var lastToken = 0

    static let subscribePacketID: UInt16 = 1

    public init(configuration: CloudSessionConfiguration) {
        self.configuration = configuration
        backoff = CloudBackoff(policy: configuration.reconnect)
    }

    // MARK: - What the driver reads

    public mutating func nextAction() -> CloudSessionAction? { actions.popFirst() }

    public var isConnected: Bool { phase == .connected }
    /// Why the cloud connection failed last (a refusal, a proxy's answer, a timeout); nil once connected.
    public var lastFailure: String? { backoff.lastFailure }
    public var inflightCount: Int { sent.count }
    public var pendingInboundCount: Int { inbound.count }
    /// The transport is connecting: poll for writability.
    public var isOpening: Bool { link.link == .opening }
    public var isOpen: Bool { link.isOpen }
    /// The socket is read unless the local broker is behind with inbound messages.
    public var isReadable: Bool { link.isOpen && inbound.count < configuration.maxPendingInbound }

    public func nextDeadline(after now: Int64) -> Int64 {
        var deadline = now + 60_000
        if case .waitingToConnect(let due) = phase { deadline = due }
        if link.link != .closed {
            if isReadable { deadline = min(deadline, link.lastReceived + deadInterval) }
            if link.isConnected { deadline = min(deadline, link.lastSent + keepAliveInterval) }
        }
        return deadline
    }

    // MARK: - Events

    public mutating func tick(now: Int64) {
        self.now = now
        if case .waitingToConnect(let due) = phase, now >= due {
            phase = .connecting
            link = ForwarderSession(link: .opening, lastSent: now, lastReceived: now)
            actions.append(.openConnection)
        }
        checkTimers()
    }

    public mutating func connectionOpened(now: Int64) {
        self.now = now
        guard link.link == .opening else { return }
        link.link = .awaitingConnack
        link.lastReceived = now
        write(
            .connect(
                MQTTConnect(
                    clientID: configuration.clientID, cleanSession: configuration.cleanSession,
                    keepAliveSeconds: configuration.keepAliveSeconds, username: configuration.username)))
    }

    public mutating func connectionFailed(reason: String, now: Int64) {
        self.now = now
        guard link.link == .opening else { return }
        failed(reason)
    }

    public mutating func connectionClosed(reason: String, now: Int64) {
        self.now = now
        guard link.link != .closed else { return }
        if link.isConnected && phase == .connected {
            log("disconnected from \(configuration.endpoint): \(reason)")
            reset()
            phase = .waitingToConnect(atMilliseconds: backoff.nextAttempt(after: now))
        } else {
            failed(reason)
        }
    }

    public mutating func bytesReceived(now: Int64) {
        guard link.link != .closed else { return }
        link.lastReceived = now
    }

    public mutating func packetReceived(_ packet: MQTTPacket, now: Int64) {
        self.now = now
        guard link.isOpen else { return }
        switch packet {
        case .connack(let sessionPresent, let code):
            guard link.link == .awaitingConnack else { return violation("unexpected CONNACK") }
            guard code == 0 else { return failed("connection refused: \(ConnackRefusal.reason(code))") }
            log("connected to \(configuration.endpoint) as \(configuration.clientID) (session present: \(sessionPresent))")
            if configuration.subscriptions.isEmpty {
                established()
            } else {
                link.link = .subscribing
                write(.subscribe(packetID: Self.subscribePacketID, subscriptions: configuration.subscriptions))
            }
        case .suback(let packetID, let codes):
            guard link.link == .subscribing, packetID == Self.subscribePacketID else { return violation("unexpected SUBACK") }
            for (subscription, code) in zip(configuration.subscriptions, codes) where code == 0x80 {
                log("the cloud refused the subscription to \(subscription.filter)")
            }
            established()
        case .publish(let message, let packetID, _):
            guard link.isConnected else { return violation("PUBLISH before CONNACK") }
            receive(message, packetID: packetID)
        case .puback(let packetID):
            guard link.isConnected else { return violation("PUBACK before CONNACK") }
            acknowledged(packetID)
        case .pingresp:
            break
        case .connect, .subscribe, .pingreq, .disconnect:
            violation("unexpected packet from the cloud: \(packet)")
        }
    }

    /// The answer to `.fetch(after:limit:)`.
    public mutating func fetched(_ entries: [CloudOutboxEntry], limit: Int, now: Int64) {
        self.now = now
        fetchOutstanding = false
        guard phase == .connected else { return }
        if entries.count < limit { storeMayHaveMore = false }
        for entry in entries where entry.sequence > lastFetched {
            lastFetched = entry.sequence
            let packetID = takePacketID()
            var message = entry.message
            if message.qos != .atLeastOnce { message.qos = .atLeastOnce }
            sent.append(Sent(sequence: entry.sequence, packetID: packetID))
            write(.publish(message, packetID: packetID, isDuplicate: entry.sequence <= highestSent))
            highestSent = max(highestSent, entry.sequence)
        }
        fetchIfRoom()
    }

    /// The store took new messages.
    public mutating func storeAppended(now: Int64) {
        self.now = now
        storeMayHaveMore = true
        fetchIfRoom()
    }

    /// The local broker's side became ready (hand the waiting inbound messages over) or was lost (what was handed
    /// over and not acknowledged is handed over again once it is back).
    public mutating func localReadyChanged(_ ready: Bool, now: Int64) {
        self.now = now
        guard ready != localReady else { return }
        localReady = ready
        for index in 0..<inbound.count where !inbound[index].delivered {
            inbound[index].token = nil
        }
        if ready { handOverInbound() }
    }

    /// The local broker acknowledged the inbound message handed over with `token`.
    public mutating func localDelivered(token: Int, now: Int64) {
        self.now = now
        for index in 0..<inbound.count where inbound[index].token == token {
            inbound[index].delivered = true
        }
        while let head = inbound.first, head.delivered {
            _ = inbound.popFirst()
            if let packetID = head.packetID, link.isConnected { write(.puback(packetID: packetID)) }
        }
    }

    /// The end of an iteration: one removal for what the cloud acknowledged, batched. Each removal is a transaction
    /// (a handful of WAL pages even for three rows), so under a flood it waits for a window's worth of
    /// acknowledgements; it is not held back once the cloud has acknowledged everything sent, when the connection is
    /// gone, or a second after the previous one (the loop wakes at least once a second). Held back, a removal costs
    /// nothing but a possible duplicate after a crash: the cloud has the message.
    public mutating func commitRemovals(now: Int64, force: Bool = false) {
        self.now = now
        guard let sequence = removalDue else { return }
        let due =
            force || sent.isEmpty || phase != .connected || sequence - lastRemoved >= Int64(configuration.maxInflight)
            || now - lastRemovalAt >= 1_000
        guard due else { return }
        removalDue = nil
        lastRemoved = sequence
        lastRemovalAt = now
        actions.append(.remove(upTo: sequence))
    }

    /// DISCONNECT and close; nothing is lost: the store keeps what is unacknowledged.
    public mutating func stop(now: Int64) {
        self.now = now
        if link.isConnected {
            write(.disconnect)
            actions.append(.flush)
        }
        commitRemovals(now: now, force: true)
        if link.link != .closed { actions.append(.closeConnection) }
        let wasConnected = phase == .connected
        reset()
        phase = .stopped
        if wasConnected { actions.append(.cloudStatusChanged(connected: false)) }
    }

    // MARK: - Connection

    private var keepAliveInterval: Int64 { Int64(configuration.keepAliveSeconds) * 1000 }
    private var deadInterval: Int64 { keepAliveInterval * 3 / 2 }

    private mutating func established() {
        link.link = .established
        phase = .connected
        backoff.connected(at: now)
        actions.append(.cloudStatusChanged(connected: true))
        storeMayHaveMore = true
        fetchIfRoom()
    }

    private mutating func failed(_ reason: String) {
        if backoff.recordFailure(reason) { log("cannot connect to \(configuration.endpoint): \(reason); retrying") }
        reset()
        phase = .waitingToConnect(atMilliseconds: backoff.nextAttempt(after: now))
    }

    private mutating func violation(_ what: String) {
        connectionClosed(reason: "protocol violation by the cloud: \(what)", now: now)
    }

    /// Drops the connection and what was in flight: unacknowledged stored messages are sent again from the store;
    /// inbound messages not acknowledged to the cloud are its to redeliver.
    private mutating func reset() {
        if link.link != .closed { actions.append(.closeConnection) }
        if phase == .connected { actions.append(.cloudStatusChanged(connected: false)) }
        link = ForwarderSession()
        sent.removeAll()
        lastFetched = acknowledgedUpTo
        fetchOutstanding = false
        storeMayHaveMore = true
        inbound.removeAll()
    }

    private mutating func checkTimers() {
        switch link.link {
        case .closed:
            return
        case .opening:
            if now - link.lastReceived >= max(deadInterval, 30_000) { failed("connect timed out") }
        default:
            if !isReadable { link.lastReceived = now }
            if now - link.lastReceived >= deadInterval {
                return connectionClosed(reason: "nothing received for \(deadInterval) ms", now: now)
            }
            if link.isConnected && now - link.lastSent >= keepAliveInterval { write(.pingreq) }
        }
    }


    // MARK: - Outbound

    private mutating func fetchIfRoom() {
        guard phase == .connected, storeMayHaveMore, !fetchOutstanding else { return }
        let room = configuration.maxInflight - sent.count
        // Refill in chunks (a quarter of the window) rather than one message per acknowledgement.
        guard room > 0, sent.isEmpty || room >= max(1, configuration.maxInflight / 4) else { return }
        fetchOutstanding = true
        actions.append(.fetch(after: lastFetched, limit: room))
    }

    private mutating func takePacketID() -> UInt16 {
        while true {
            let candidate = nextPacketID
            nextPacketID = candidate == UInt16.max ? 1 : candidate + 1
            var inUse = false
            for index in 0..<sent.count where sent[index].packetID == candidate {
                inUse = true
                break
            }
            if !inUse { return candidate }
        }
    }

    private mutating func acknowledged(_ packetID: UInt16) {
        var found = false
        for index in 0..<sent.count where sent[index].packetID == packetID && !sent[index].acknowledged {
            sent[index].acknowledged = true
            found = true
            break
        }
        guard found else { return log("PUBACK for unknown packet identifier \(packetID) ignored") }
        while let head = sent.first, head.acknowledged {
            _ = sent.popFirst()
            acknowledgedUpTo = head.sequence
            removalDue = head.sequence
        }
        fetchIfRoom()
    }

    // MARK: - Inbound

    private mutating func receive(_ message: MQTTMessage, packetID: UInt16?) {
        switch message.qos {
        case .atMostOnce:
            inbound.append(Inbound(packetID: nil, message: message))
        case .atLeastOnce, .exactlyOnce:
            // Subscribed at QoS 1 at most, so QoS 2 is a protocol violation we answer as QoS 1 would be.
            guard let packetID else { return violation("QoS 1 PUBLISH without packet identifier") }
            var local = message
            local.qos = .atLeastOnce
            inbound.append(Inbound(packetID: packetID, message: local))
        }
        handOverInbound()
    }

    private mutating func handOverInbound() {
        guard localReady else { return }
        for index in 0..<inbound.count where inbound[index].token == nil && !inbound[index].delivered {
            lastToken += 1
            inbound[index].token = lastToken
            actions.append(.forwardInbound(inbound[index].message, token: lastToken))
        }
    }

    private mutating func write(_ packet: MQTTPacket) {
        link.lastSent = now
        actions.append(.write(packet))
    }

    private mutating func log(_ line: String) { actions.append(.log(line)) }
}
