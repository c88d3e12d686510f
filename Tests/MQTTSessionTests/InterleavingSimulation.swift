import TedgeMessaging

@testable import TedgeMQTTSession

/// Drives a `ForwarderStateMachine` through one random interleaving of what its world can do: transports that
/// connect or fail, a broker that answers, delivers inputs and acknowledges outputs in any order, disconnects,
/// protocol violations, a write backlog, time, answers to its requests held back, a stop. It plays the driver
/// (carrying out the actions, reading a session only when the machine says so) and checks the invariants on
/// every action and after every step, throwing the first violation.
final class InterleavingSimulation {
    struct Violation: Error {
        let message: String
    }

    /// The transport's and the broker's side of one session's current connection.
    private struct Connection {
        var transportConnected = false
        var connectReceived = false
        var connackSent = false
        var connackAccepted = false
        /// The machine has handled an accepting CONNACK: only now may it write anything but CONNECT.
        var connackHandled = false
        var subackHandled = false
        var subscribePending = false
        var pingsPending = 0
        var disconnectReceived = false
        /// What the broker sent and the client has not read yet (and how much of a PUBLISH's payload was skipped).
        var toClient: [(packet: MQTTPacket, omittedPayloadBytes: Int)] = []
    }

    /// One delivery of an input by the broker: redelivered inputs are new deliveries.
    private struct Delivery {
        let connection: Int
        var converted = false
        /// QoS 1 outputs the conversion produced that can be sent, and how many of their PUBACKs the machine has handled.
        var outputs = 0
        var acknowledgedOutputs = 0
    }

    private struct SentOutput {
        let delivery: Int?
        let isFinal: Bool
    }

    let configuration = MessageForwarderConfiguration(
        clientID: "mapper", keepAliveSeconds: 2, subscriptions: ["in/#"], maxInflight: 4, drainTimeoutMilliseconds: 500,
        maxQueuedOutputs: 6, maxWriteBacklogBytes: 1000, inputWindow: 5)
    private var machine: ForwarderStateMachine
    private var random: SplitMix64
    private var now: Int64 = 1_000
    private var input: Connection?
    private var output: Connection?
    /// Counts the connection attempts; outputs and acknowledgements must belong to the current one.
    private var connectionNumber = 0
    private var deliveries: [Delivery] = []
    private var nextInputPacketID: UInt16 = 0
    /// The QoS 1 inputs the machine has read on the current connection and not acknowledged, in arrival order.
    private var awaitingAcknowledgement: [(packetID: UInt16, delivery: Int)] = []
    /// Outputs sent on the current output connection whose PUBACK the machine has not handled.
    private var inflight: [UInt16: SentOutput] = [:]
    /// How many of them the in-flight window counts (final messages bypass it).
    private var windowedInflight = 0
    /// Outputs the broker has not acknowledged yet.
    private var unacknowledgedByBroker: [UInt16] = []
    private var heldRequests: [ForwarderOutputRequest] = []
    private var stoppedAt: Int64?
    /// The last events (a ring), described only when a run fails.
    private var recentEvents: [(time: Int64, describe: () -> String)] = []
    private var nextEventSlot = 0
    private(set) var stepCount = 0

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        machine = ForwarderStateMachine(configuration: configuration)
    }

    var outcome: DrainOutcome? { machine.outcome }

    /// Random events, a stop at a random step before `steps`, then random events until the drain has ended.
    func run(steps: Int) throws(Violation) {
        let stopStep = steps / 4 + roll(steps - steps / 4)
        for _ in 0..<stopStep { try step() }
        try stop()
        var extraSteps = 0
        while outcome == nil {
            try step()
            extraSteps += 1
            if extraSteps > 50_000 { throw Violation(message: "the drain did not end") }
        }
    }

    // MARK: - Events

    /// What can happen next.
    private enum Event {
        case tick(Int64)
        case backlog
        case connectTransport(MQTTSessionRole)
        case disconnect(MQTTSessionRole)
        case read(MQTTSessionRole)
        case brokerAnswers(MQTTSessionRole)
        case deliverInput
        case brokerMisbehaves
        case brokerAcknowledges
        case answerHeldRequest
    }

    private func step() throws(Violation) {
        stepCount += 1
        var events: [(weight: Int, event: Event)] = [
            (200, .tick(Int64(roll(41)))), (2, .tick(Int64(500 + roll(3_001)))),
            (10, .backlog),
        ]
        for role in [MQTTSessionRole.input, .output] {
            guard let connection = connection(role) else { continue }
            if !connection.transportConnected && machine.session(role).link == .opening {
                events.append((80, .connectTransport(role)))
            }
            if connection.transportConnected { events.append((1, .disconnect(role))) }
            if !connection.toClient.isEmpty && machine.isReadable(role) { events.append((300, .read(role))) }
            if hasSomethingToAnswer(connection) { events.append((100, .brokerAnswers(role))) }
        }
        if input?.connackAccepted == true {
            events.append((120, .deliverInput))
            events.append((1, .brokerMisbehaves))
        }
        if !unacknowledgedByBroker.isEmpty { events.append((150, .brokerAcknowledges)) }
        if !heldRequests.isEmpty { events.append((60, .answerHeldRequest)) }
        var total = 0
        for (weight, _) in events { total += weight }
        var pick = roll(total)
        for (weight, event) in events {
            pick -= weight
            guard pick < 0 else { continue }
            switch event {
            case .tick(let milliseconds): try tick(by: milliseconds)
            case .backlog: backlog()
            case .connectTransport(let role): try connectTransport(role)
            case .disconnect(let role): try disconnect(role)
            case .read(let role): try read(role)
            case .brokerAnswers(let role): brokerAnswers(role)
            case .deliverInput: deliverInput()
            case .brokerMisbehaves: brokerMisbehaves()
            case .brokerAcknowledges: brokerAcknowledges()
            case .answerHeldRequest: try answerHeldRequest()
            }
            break
        }
        try checkAfterStep()
    }

    private func tick(by milliseconds: Int64) throws(Violation) {
        now += milliseconds
        note("tick +\(milliseconds) ms")
        machine.tick(now: now)
        try performActions()
    }

    private func backlog() {
        let bytes = [0, 0, 200, 1000][roll(4)]
        note("output backlog \(bytes) bytes")
        machine.outputBacklogChanged(bytes: bytes)
    }

    private func connectTransport(_ role: MQTTSessionRole) throws(Violation) {
        if roll(12) == 0 {
            note("\(role) transport fails")
            machine.connectionFailed(role, reason: ["Connection refused", "No route to host"][roll(2)], now: now)
        } else {
            note("\(role) transport connects")
            update(role) { $0.transportConnected = true }
            machine.connectionOpened(role, now: now)
        }
        try performActions()
    }

    private func disconnect(_ role: MQTTSessionRole) throws(Violation) {
        note("\(role) connection reset")
        machine.connectionClosed(role, reason: "Connection reset by peer", now: now)
        try performActions()
    }

    private func read(_ role: MQTTSessionRole) throws(Violation) {
        guard var connection = connection(role), !connection.toClient.isEmpty else { return }
        let (packet, omittedPayloadBytes) = connection.toClient.removeFirst()
        switch packet {
        case .connack(_, 0) where !connection.connackHandled && machine.session(role).link == .awaitingConnack:
            connection.connackHandled = true
        case .suback where role == .input && machine.session(.input).link == .subscribing:
            connection.subackHandled = true
        case .publish(let message, let packetID, _) where role == .input && message.qos == .atLeastOnce:
            if let packetID, machine.session(.input).isConnected, !isStopping {
                awaitingAcknowledgement.append((packetID, Int(message.topic.dropFirst(3))!))
            }
        case .puback(let packetID) where role == .output:
            if let sent = inflight.removeValue(forKey: packetID) {
                if !sent.isFinal { windowedInflight -= 1 }
                if let delivery = sent.delivery { deliveries[delivery].acknowledgedOutputs += 1 }
            }
        default:
            break
        }
        if role == .input { input = connection } else { output = connection }
        note("\(role) reads \(packet)")
        machine.bytesReceived(on: role, now: now)
        machine.packetReceived(packet, omittedPayloadBytes: omittedPayloadBytes, on: role, now: now)
        try performActions()
    }

    private func hasSomethingToAnswer(_ connection: Connection) -> Bool {
        (connection.connectReceived && !connection.connackSent) || connection.subscribePending || connection.pingsPending > 0
    }

    private func brokerAnswers(_ role: MQTTSessionRole) {
        update(role) { connection in
            if connection.connectReceived && !connection.connackSent {
                connection.connackSent = true
                connection.connackAccepted = roll(40) > 0
                connection.toClient.append((.connack(sessionPresent: false, returnCode: connection.connackAccepted ? 0 : 5), 0))
            } else if connection.subscribePending {
                connection.subscribePending = false
                connection.toClient.append((.suback(packetID: 1, returnCodes: [1]), 0))
            } else if connection.pingsPending > 0 {
                connection.pingsPending -= 1
                connection.toClient.append((.pingresp, 0))
            }
        }
        note("the broker answers on the \(role) session")
    }

    /// An input on `in/<delivery>`: mostly QoS 1, some QoS 0, a few too large to receive, rarely QoS 2.
    private func deliverInput() {
        let delivery = deliveries.count
        deliveries.append(Delivery(connection: connectionNumber))
        let kind = roll(100)
        let qos: MQTTQoS = kind < 70 ? .atLeastOnce : kind < 98 ? .atMostOnce : .exactlyOnce
        nextInputPacketID = nextInputPacketID == UInt16.max ? 1 : nextInputPacketID + 1
        let message = MQTTMessage(topic: "in/\(delivery)", text: "an input", qos: qos)
        let omitted = kind >= 60 && kind < 70 ? 300_000 : 0
        input?.toClient.append(
            (.publish(message, packetID: qos == .atMostOnce ? nil : nextInputPacketID, isDuplicate: false), omitted))
        note("the broker delivers \(message.topic) at QoS \(qos.rawValue)\(omitted > 0 ? ", too large" : "")")
    }

    /// A packet the broker must not send: the machine drops both sessions.
    private func brokerMisbehaves() {
        input?.toClient.append((.puback(packetID: 1), 0))
        note("the broker sends a PUBACK on the input session")
    }

    /// Acknowledges any of the outputs it has received, not necessarily the oldest.
    private func brokerAcknowledges() {
        let packetID = unacknowledgedByBroker.remove(at: roll(unacknowledgedByBroker.count))
        output?.toClient.append((.puback(packetID: packetID), 0))
        note("the broker acknowledges output \(packetID)")
    }

    private func answerHeldRequest() throws(Violation) {
        try answer(heldRequests.removeFirst())
        try performActions()
    }

    private func stop() throws(Violation) {
        note("stop")
        stoppedAt = now
        machine.requestStop(now: now)
        try performActions()
    }

    // MARK: - The driver's part, and the invariants on every action

    private func performActions() throws(Violation) {
        while let action = machine.nextAction() {
            switch action {
            case .openConnections:
                guard input == nil && output == nil else { throw Violation(message: "connections opened twice") }
                connectionNumber += 1
                input = Connection()
                output = Connection()
                awaitingAcknowledgement = []
                inflight = [:]
                windowedInflight = 0
                unacknowledgedByBroker = []
            case .write(let packet, let role):
                try written(packet, on: role)
            case .flush:
                break
            case .closeConnections:
                if case .completed = machine.outcome, input?.disconnectReceived != true || output?.disconnectReceived != true {
                    throw Violation(message: "drained without DISCONNECT on both sessions")
                }
                input = nil
                output = nil
            case .produce(let request):
                if request.kind == .readyMessages && (input?.subackHandled != true || output?.connackHandled != true) {
                    throw Violation(message: "ready before SUBACK with the output session connected")
                }
                // Answered in the order asked; some wait, so that other events come first (not after the stop).
                heldRequests.append(request)
                if stoppedAt != nil || (heldRequests.count == 1 && roll(3) > 0) {
                    while !heldRequests.isEmpty { try answer(heldRequests.removeFirst()) }
                }
            case .appendToStore, .externalDelivered:
                throw Violation(message: "built-in bridge action without a bridge: \(action)")
            case .log:
                break
            }
        }
    }

    private func written(_ packet: MQTTPacket, on role: MQTTSessionRole) throws(Violation) {
        guard var connection = connection(role) else { throw Violation(message: "\(packet) written to a closed \(role) session") }
        if case .connect = packet {
            guard connection.transportConnected && !connection.connectReceived else {
                throw Violation(message: "CONNECT on the \(role) session before its transport connected, or twice")
            }
            connection.connectReceived = true
        } else if !connection.connackHandled {
            throw Violation(message: "\(packet) written to the \(role) session before its CONNACK")
        }
        switch packet {
        case .subscribe:
            connection.subscribePending = true
        case .pingreq:
            connection.pingsPending += 1
        case .disconnect:
            connection.disconnectReceived = true
        case .publish(let message, let packetID, _):
            guard role == .output else { throw Violation(message: "PUBLISH on the input session") }
            if message.topic.contains("+") {
                // What the encoder refuses: the driver reports it and nothing is written.
                machine.writeRejected(packet, on: role, error: .invalidTopic("contains a wildcard"), now: now)
                break
            }
            let delivery = message.text.flatMap { $0.hasPrefix("from ") ? Int($0.dropFirst(5)) : nil }
            if let delivery, deliveries[delivery].connection != connectionNumber {
                throw Violation(message: "an output of an input of a dropped connection was published")
            }
            guard let packetID else { break }
            guard inflight[packetID] == nil else { throw Violation(message: "packet identifier \(packetID) reused in flight") }
            let sent = SentOutput(delivery: delivery, isFinal: message.topic == "health/down")
            inflight[packetID] = sent
            unacknowledgedByBroker.append(packetID)
            if !sent.isFinal { windowedInflight += 1 }
            if windowedInflight > configuration.maxInflight {
                throw Violation(message: "\(windowedInflight) outputs in flight, more than \(configuration.maxInflight)")
            }
        case .puback(let packetID):
            guard role == .input, let head = awaitingAcknowledgement.first, head.packetID == packetID else {
                throw Violation(message: "PUBACK \(packetID) out of arrival order, or for an input of another connection")
            }
            let delivery = deliveries[head.delivery]
            guard delivery.converted && delivery.acknowledgedOutputs == delivery.outputs else {
                throw Violation(message: "input \(packetID) acknowledged before its outputs were")
            }
            awaitingAcknowledgement.removeFirst()
        default:
            break
        }
        if role == .input { input = connection } else { output = connection }
    }

    private func answer(_ request: ForwarderOutputRequest) throws(Violation) {
        var messages: [MQTTMessage] = []
        switch request.kind {
        case .convert(let message):
            messages = outputs(ofInputOn: message.topic)
        case .reportOversizedInput(let topic, _):
            messages = outputs(ofInputOn: topic)
        case .readyMessages:
            messages = [MQTTMessage(topic: "health/up", text: "up", qos: .atLeastOnce, retain: true)]
        case .finalMessages:
            messages = [
                MQTTMessage(topic: "health/down", text: "down", qos: .atLeastOnce, retain: true),
                MQTTMessage(topic: "health/bye", text: "bye"),
            ]
        }
        note("answer request \(request.id) with \(messages.count) messages")
        machine.produced(messages, for: request.id, now: now)
    }

    /// Up to three outputs per input (QoS 1 mostly, some QoS 0, a few the encoder refuses), saying where from.
    private func outputs(ofInputOn topic: String) -> [MQTTMessage] {
        let delivery = Int(topic.dropFirst(3))!
        var messages: [MQTTMessage] = []
        for index in 0..<roll(4) {
            let kind = roll(20)
            let topic = kind == 0 ? "out/+" : "out/\(index)"
            messages.append(MQTTMessage(topic: topic, text: "from \(delivery)", qos: kind < 6 ? .atMostOnce : .atLeastOnce))
        }
        deliveries[delivery].converted = true
        deliveries[delivery].outputs = messages.filter { $0.qos == .atLeastOnce && !$0.topic.contains("+") }.count
        return messages
    }

    private func checkAfterStep() throws(Violation) {
        let outcome = machine.outcome
        if machine.pendingInputCount > configuration.inputWindow {
            throw Violation(message: "\(machine.pendingInputCount) inputs pending, more than the input window")
        }
        if let stoppedAt, outcome == nil, now - stoppedAt > 2 * configuration.drainTimeoutMilliseconds + 3_500 {
            throw Violation(message: "still draining \(now - stoppedAt) ms after the stop")
        }
        if outcome != nil && (input != nil || output != nil) {
            throw Violation(message: "finished with a connection open")
        }
        if outcome == .completed && !awaitingAcknowledgement.isEmpty {
            throw Violation(message: "drained with \(awaitingAcknowledgement.count) inputs read and not acknowledged")
        }
    }

    // MARK: - Helpers

    private var isStopping: Bool { stoppedAt != nil }

    private func connection(_ role: MQTTSessionRole) -> Connection? { role == .input ? input : output }

    /// A number in 0..<upper (the modulo's bias is of no concern here).
    private func roll(_ upper: Int) -> Int { Int(random.next() % UInt64(upper)) }

    private func update(_ role: MQTTSessionRole, _ change: (inout Connection) -> Void) {
        if role == .input, input != nil { change(&input!) } else if role == .output, output != nil { change(&output!) }
    }

    private func note(_ event: @escaping @autoclosure () -> String) {
        if recentEvents.count < 40 { recentEvents.append((now, event)) } else { recentEvents[nextEventSlot] = (now, event) }
        nextEventSlot = (nextEventSlot + 1) % 40
    }

    var trace: [String] {
        (recentEvents[nextEventSlot...] + recentEvents[..<nextEventSlot]).map { "t=\($0.time) \($0.describe())" }
    }
}
