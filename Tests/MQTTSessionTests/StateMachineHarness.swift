import TedgeMessaging
import Testing

@testable import TedgeMQTTSession

/// A `ForwarderStateMachine` with no transport and no bytes: the test feeds events, and the harness carries out the
/// actions as the driver would, keeping what was written per session, the log lines and the connection requests.
/// Requests for messages are answered at once with the closures, unless `holdsRequests` is set.
final class StateMachineHarness {
    var machine: ForwarderStateMachine
    var now: Int64 = 1_000
    var convert: (MQTTMessage) -> [MQTTMessage]
    var readyMessages: () -> [MQTTMessage]
    var finalMessages: () -> [MQTTMessage]
    /// Keep requests for messages in `heldRequests` instead of answering them.
    var holdsRequests = false
    private(set) var heldRequests: [ForwarderOutputRequest] = []
    private(set) var logLines: [String] = []
    private(set) var openRequests = 0
    private(set) var closeRequests = 0
    private var written: [MQTTSessionRole: [MQTTPacket]] = [:]
    /// Built-in bridge mode: outputs for which this says true are cloud-bound (stored, not published).
    var isCloudBound: ((MQTTMessage) -> Bool)?
    /// Appends the machine asked for and the test has not completed yet.
    private(set) var pendingAppends: [(batch: Int, messages: [MQTTMessage])] = []
    private(set) var deliveredTokens: [Int] = []

    init(
        maxInflight: Int = 20, keepAliveSeconds: UInt16 = 60, drainTimeoutMilliseconds: Int64 = 5000,
        maxQueuedOutputs: Int = 1000, maxWriteBacklogBytes: Int = 512 * 1024, inputWindow: Int = 100,
        subscriptions: [String] = ["te/#"],
        readyMessages: @escaping () -> [MQTTMessage] = { [] },
        finalMessages: @escaping () -> [MQTTMessage] = { [] },
        convert: @escaping (MQTTMessage) -> [MQTTMessage] = StateMachineHarness.renameToCloud
    ) {
        machine = ForwarderStateMachine(
            configuration: MessageForwarderConfiguration(
                clientID: "mapper", keepAliveSeconds: keepAliveSeconds,
                will: MQTTMessage(topic: "te/health", text: "down", qos: .atLeastOnce, retain: true),
                subscriptions: subscriptions, maxInflight: maxInflight, drainTimeoutMilliseconds: drainTimeoutMilliseconds,
                maxQueuedOutputs: maxQueuedOutputs, maxWriteBacklogBytes: maxWriteBacklogBytes, inputWindow: inputWindow))
        self.convert = convert
        self.readyMessages = readyMessages
        self.finalMessages = finalMessages
    }

    /// One output per input, on a cloud topic, same QoS.
    static func renameToCloud(_ message: MQTTMessage) -> [MQTTMessage] {
        [MQTTMessage(topic: "c8y/" + message.topic, payload: message.payload, qos: message.qos)]
    }

    /// What the machine wrote to the session since the last call.
    func written(_ role: MQTTSessionRole) -> [MQTTPacket] {
        defer { written[role] = [] }
        return written[role] ?? []
    }

    // MARK: - Events

    func tick(advancing milliseconds: Int64 = 0) {
        now += milliseconds
        machine.tick(now: now)
        performActions()
    }

    func opened(_ role: MQTTSessionRole) {
        machine.connectionOpened(role, now: now)
        performActions()
    }

    func receive(_ packet: MQTTPacket, on role: MQTTSessionRole, omittedPayloadBytes: Int = 0) {
        machine.packetReceived(packet, omittedPayloadBytes: omittedPayloadBytes, on: role, now: now)
        performActions()
    }

    func closed(_ role: MQTTSessionRole, reason: String = "connection closed by the broker") {
        machine.connectionClosed(role, reason: reason, now: now)
        performActions()
    }

    func requestStop() {
        machine.requestStop(now: now)
        performActions()
    }

    func input(_ packetID: UInt16, topic: String = "te/m", qos: MQTTQoS = .atLeastOnce) {
        receive(
            .publish(
                MQTTMessage(topic: topic, text: "\(packetID)", qos: qos), packetID: qos == .atMostOnce ? nil : packetID,
                isDuplicate: false), on: .input)
    }

    func acknowledge(_ packetIDs: [UInt16]) {
        for packetID in packetIDs { receive(.puback(packetID: packetID), on: .output) }
    }

    /// Answers the oldest held request.
    func answerHeldRequest() {
        let request = heldRequests.removeFirst()
        answer(request)
        performActions()
    }

    /// The end of a loop iteration: the batch of cloud-bound outputs is handed to the store.
    func commit() {
        machine.commitStoreBatch(now: now)
        performActions()
    }

    /// The oldest pending append returned (the batch is durable), or failed.
    func completeAppend(failing reason: String? = nil) {
        let append = pendingAppends.removeFirst()
        if let reason {
            machine.storeFailed(batch: append.batch, reason: reason, now: now)
        } else {
            machine.stored(batch: append.batch, now: now)
        }
        performActions()
    }

    private func answer(_ request: ForwarderOutputRequest) {
        let outputs = messages(for: request.kind)
        guard let isCloudBound else { return machine.produced(outputs, for: request.id, now: now) }
        machine.produced(outputs.filter { !isCloudBound($0) }, stored: outputs.filter(isCloudBound), for: request.id, now: now)
    }

    /// Opens both sessions, answers CONNACK on both and SUBACK on the input; returns what was written on the output
    /// session once ready.
    @discardableResult
    func establish() -> [MQTTPacket] {
        tick()
        opened(.input)
        opened(.output)
        _ = written(.input)
        _ = written(.output)
        receive(.connack(sessionPresent: false, returnCode: 0), on: .input)
        receive(.connack(sessionPresent: false, returnCode: 0), on: .output)
        receive(.suback(packetID: 1, returnCodes: [1]), on: .input)
        #expect(machine.isReady)
        _ = written(.input)
        return written(.output)
    }

    // MARK: - The driver's part

    private func performActions() {
        while let action = machine.nextAction() {
            switch action {
            case .openConnections: openRequests += 1
            case .write(let packet, let role): written[role, default: []].append(packet)
            case .flush: break
            case .closeConnections: closeRequests += 1
            case .produce(let request):
                if holdsRequests {
                    heldRequests.append(request)
                } else {
                    answer(request)
                }
            case .appendToStore(let batch, let messages): pendingAppends.append((batch, messages))
            case .externalDelivered(let token): deliveredTokens.append(token)
            case .log(let line): logLines.append(line)
            }
        }
    }

    private func messages(for kind: ForwarderOutputRequest.Kind) -> [MQTTMessage] {
        switch kind {
        case .convert(let message): return convert(message)
        case .reportOversizedInput(let topic, let payloadBytes):
            return [MQTTMessage(topic: "te/errors", text: "\(topic) too big: \(payloadBytes)", qos: .atLeastOnce)]
        case .readyMessages: return readyMessages()
        case .finalMessages: return finalMessages()
        }
    }
}
