import TedgeMessaging

@testable import TedgeMQTTSession

/// The built-in bridge's two state machines, driven by random events and checked after every one:
/// - local side (`ForwarderStateMachine` in store mode): an input's PUBACK is written only after the append that
///   holds its cloud-bound output has returned (durable);
/// - cloud side (`CloudSessionStateMachine`): the store removes a message only after the cloud's PUBACK for it;
///   an inbound message is acknowledged to the cloud only after the local broker's PUBACK for its copy;
/// - at the end, with both sides up and quiet, everything appended has reached the cloud and the store is empty.
final class BridgeInterleavingSimulation {
    struct Violation: Error { let message: String }

    private var random: SplitMix64
    private(set) var trace: [String] = []
    private var now: Int64 = 1_000

    // Local side.
    private var local: ForwarderStateMachine
    private var localConnected = false
    private var localReady = false
    private var localGeneration = 0
    /// Inputs delivered on the current input connection, not yet acknowledged.
    private var inputsInFlight: Set<UInt16> = []
    private var nextInputID: UInt16 = 1
    private var pendingAppends: [(batch: Int, messages: [MQTTMessage])] = []
    /// Payloads (input packet id and generation) whose stored copy is durable.
    private var durable: Set<String> = []
    private var localOutputsUnacked: [UInt16] = []

    // The store, as a model.
    private var store: [CloudOutboxEntry] = []
    private var lastSequence: Int64 = 0
    private var everStored: Set<Int64> = []

    // Cloud side.
    private var cloud: CloudSessionStateMachine
    private var cloudOpen = false
    private var cloudInflight: [(packetID: UInt16, sequence: Int64)] = []
    private var cloudAcked: Set<Int64> = []
    private var nextInboundID: UInt16 = 1
    /// Inbound packet ids handed over to the local side, with their token; delivered tokens.
    private var inboundTokens: [Int: UInt16] = [:]
    private var deliveredInbound: Set<UInt16> = []
    private var inboundUnacked: Set<UInt16> = []
    private var externalQueue: [(message: MQTTMessage, token: Int)] = []

    /// What the run exercised, for the summary line.
    var figures: (stored: Int, cloudAcknowledged: Int, inboundDelivered: Int) {
        (everStored.count, cloudAcked.count, deliveredInbound.count)
    }

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        local = ForwarderStateMachine(
            configuration: MessageForwarderConfiguration(clientID: "mapper", subscriptions: ["te/#"], maxInflight: 5, inputWindow: 8))
        cloud = CloudSessionStateMachine(
            configuration: CloudSessionConfiguration(
                endpoint: "cloud:8883", clientID: "device", username: nil, cleanSession: false, keepAliveSeconds: 60,
                subscriptions: [MQTTSubscription(filter: "down/#", qos: .atLeastOnce)], maxInflight: 4, maxPendingInbound: 4,
                reconnect: CloudReconnectPolicy(initialMilliseconds: 10, maximumMilliseconds: 40, resetWindowMilliseconds: 100)))
    }

    private func roll(_ sides: Int) -> Int { Int(random.next() % UInt64(sides)) }

    func run(steps: Int) throws(Violation) {
        for _ in 0..<steps { try step() }
        // Settle: both sides up, every event answered, until nothing moves.
        for _ in 0..<2_000 {
            try settle()
            if store.isEmpty && pendingAppends.isEmpty && cloudInflight.isEmpty && inputsInFlight.isEmpty { break }
        }
        guard store.isEmpty else { throw Violation(message: "store not empty after settling: \(store.map(\.sequence))") }
        let lost = everStored.subtracting(cloudAcked)
        guard lost.isEmpty else { throw Violation(message: "stored and never acknowledged by the cloud: \(lost.sorted())") }
    }

    private func step() throws(Violation) {
        switch roll(12) {
        case 0: now += Int64(roll(50)); local.tick(now: now); cloud.tick(now: now)
        case 1: try localInput()
        case 2: local.commitStoreBatch(now: now)
        case 3: completeAppend()
        case 4: localAcknowledgeOutput()
        case 5: if roll(6) == 0 { dropLocal() }
        case 6: cloudConnectionEvent()
        case 7: cloudAcknowledge()
        case 8: if roll(6) == 0 { dropCloud() }
        case 9: cloudInbound()
        case 10: cloud.commitRemovals(now: now)
        default: local.tick(now: now); cloud.tick(now: now)
        }
        try perform()
    }

    private func settle() throws(Violation) {
        now += 20
        local.tick(now: now)
        cloud.tick(now: now)
        try perform()
        try openLocal()
        if !cloudOpen, cloud.isOpening { cloudConnectionEvent() }
        cloudConnectionEvent()
        local.commitStoreBatch(now: now)
        try perform()
        while !pendingAppends.isEmpty { completeAppend(); try perform() }
        while !localOutputsUnacked.isEmpty { localAcknowledgeOutput(); try perform() }
        while !cloudInflight.isEmpty { cloudAcknowledge(); try perform() }
        cloud.commitRemovals(now: now)
        try perform()
    }

    // MARK: - Local events

    private func openLocal() throws(Violation) {
        guard local.session(.input).link == .opening else { return }
        local.connectionOpened(.input, now: now)
        local.connectionOpened(.output, now: now)
        local.packetReceived(.connack(sessionPresent: false, returnCode: 0), on: .input, now: now)
        local.packetReceived(.connack(sessionPresent: false, returnCode: 0), on: .output, now: now)
        local.packetReceived(.suback(packetID: 1, returnCodes: [1]), on: .input, now: now)
        try perform()
    }

    private func localInput() throws(Violation) {
        if local.session(.input).link == .opening { return try openLocal() }
        guard localConnected, local.isReadable(.input) else { return }
        let packetID = nextInputID
        nextInputID = nextInputID == 60_000 ? 1 : nextInputID + 1
        inputsInFlight.insert(packetID)
        let message = MQTTMessage(topic: "te/m", text: "\(localGeneration)/\(packetID)", qos: .atLeastOnce)
        local.packetReceived(.publish(message, packetID: packetID, isDuplicate: false), on: .input, now: now)
    }

    private func completeAppend() {
        guard !pendingAppends.isEmpty else { return }
        let append = pendingAppends.removeFirst()
        if roll(20) == 0 {
            local.storeFailed(batch: append.batch, reason: "disk full", now: now)
            return
        }
        for message in append.messages {
            lastSequence += 1
            store.append(CloudOutboxEntry(sequence: lastSequence, message: message))
            everStored.insert(lastSequence)
            durable.insert(String(decoding: message.payload, as: UTF8.self))
        }
        trace.append("append \(append.batch) durable: \(append.messages.count) messages")
        local.stored(batch: append.batch, now: now)
        cloud.storeAppended(now: now)
    }

    private func localAcknowledgeOutput() {
        guard !localOutputsUnacked.isEmpty else { return }
        let packetID = localOutputsUnacked.remove(at: roll(localOutputsUnacked.count))
        local.packetReceived(.puback(packetID: packetID), on: .output, now: now)
    }

    private func dropLocal() {
        trace.append("local connection dropped")
        local.connectionClosed(.input, reason: "test", now: now)
        // Appends already asked for still complete (the driver carries them out synchronously in reality).
    }

    // MARK: - Cloud events

    private func cloudConnectionEvent() {
        if cloud.isOpening {
            if roll(4) == 0 { cloud.connectionFailed(reason: "refused", now: now) } else { cloud.connectionOpened(now: now) }
        } else if cloudOpen, !cloud.isConnected {
            switch cloud.link.link {
            case .awaitingConnack: cloud.packetReceived(.connack(sessionPresent: false, returnCode: roll(8) == 0 ? 5 : 0), now: now)
            case .subscribing: cloud.packetReceived(.suback(packetID: 1, returnCodes: [1]), now: now)
            default: break
            }
        }
    }

    private func cloudAcknowledge() {
        guard cloud.isConnected, !cloudInflight.isEmpty else { return }
        // Mostly in order, sometimes not.
        let index = roll(4) == 0 ? roll(cloudInflight.count) : 0
        let sent = cloudInflight.remove(at: index)
        cloudAcked.insert(sent.sequence)
        cloud.packetReceived(.puback(packetID: sent.packetID), now: now)
    }

    private func dropCloud() {
        trace.append("cloud connection dropped")
        cloud.connectionClosed(reason: "test", now: now)
    }

    private func cloudInbound() {
        guard cloud.isConnected, cloud.isReadable else { return }
        let packetID = nextInboundID
        nextInboundID += 1
        inboundUnacked.insert(packetID)
        cloud.packetReceived(
            .publish(MQTTMessage(topic: "down/x", text: "in \(packetID)", qos: .atLeastOnce), packetID: packetID, isDuplicate: false),
            now: now)
    }

    // MARK: - The drivers' part, with the checks

    private func perform() throws(Violation) {
        var progressed = true
        while progressed {
            progressed = false
            while let action = local.nextAction() {
                progressed = true
                try performLocal(action)
            }
            while let action = cloud.nextAction() {
                progressed = true
                try performCloud(action)
            }
            if (local.phase == .ready) != localReady {
                localReady = local.phase == .ready
                cloud.localReadyChanged(localReady, now: now)
                progressed = true
            }
            while !externalQueue.isEmpty, local.phase == .ready {
                let next = externalQueue.removeFirst()
                _ = local.publishExternal(next.message, token: next.token, now: now)
                progressed = true
            }
        }
    }

    private func performLocal(_ action: ForwarderAction) throws(Violation) {
        switch action {
        case .openConnections:
            localGeneration += 1
            localConnected = true
            inputsInFlight = []
            localOutputsUnacked = []
        case .closeConnections:
            localConnected = false
            inputsInFlight = []
            localOutputsUnacked = []
        case .write(.puback(let packetID), .input):
            let key = "\(localGeneration)/\(packetID)"
            guard durable.contains(key) else {
                throw Violation(message: "input \(key) acknowledged before its cloud-bound output was durable")
            }
            inputsInFlight.remove(packetID)
        case .write(.publish(let message, let packetID, _), .output):
            if let packetID { localOutputsUnacked.append(packetID) }
            trace.append("local publish \(message.topic)")
        case .write, .flush, .log:
            break
        case .produce(let request):
            // Every input becomes one cloud-bound output; the ready/final messages stay local.
            switch request.kind {
            case .convert(let message): local.produced([], stored: [message], for: request.id, now: now)
            default: local.produced([], for: request.id, now: now)
            }
        case .appendToStore(let batch, let messages):
            pendingAppends.append((batch, messages))
        case .externalDelivered(let token):
            if let packetID = inboundTokens[token] { deliveredInbound.insert(packetID) }
            cloud.localDelivered(token: token, now: now)
        }
    }

    private func performCloud(_ action: CloudSessionAction) throws(Violation) {
        switch action {
        case .openConnection:
            cloudOpen = true
            cloudInflight = []
        case .closeConnection:
            cloudOpen = false
            cloudInflight = []
            inboundUnacked = []
        case .write(.puback(let packetID)):
            guard deliveredInbound.contains(packetID) else {
                throw Violation(message: "inbound \(packetID) acknowledged to the cloud before the local broker's PUBACK")
            }
            inboundUnacked.remove(packetID)
        case .write, .flush, .log, .cloudStatusChanged:
            break
        case .fetch(let sequence, let limit):
            let entries = Array(store.filter { $0.sequence > sequence }.prefix(limit))
            cloud.fetched(entries, limit: limit, now: now)
            // The publishes the fetch produced carry the packet ids; map them to sequences.
            var sentNow: [(UInt16, Int64)] = []
            var pending: [CloudSessionAction] = []
            while let next = cloud.nextAction() { pending.append(next) }
            var index = 0
            for next in pending {
                if case .write(.publish(_, let packetID?, _)) = next, index < entries.count {
                    sentNow.append((packetID, entries[index].sequence))
                    index += 1
                } else {
                    try performCloud(next)
                }
            }
            cloudInflight += sentNow.map { (packetID: $0.0, sequence: $0.1) }
        case .remove(let sequence):
            for entry in store where entry.sequence <= sequence && !cloudAcked.contains(entry.sequence) {
                throw Violation(message: "removal up to \(sequence) before the cloud acknowledged \(entry.sequence)")
            }
            store.removeAll { $0.sequence <= sequence }
        case .forwardInbound(let message, let token):
            let packetID = UInt16(String(decoding: message.payload.dropFirst(3), as: UTF8.self)) ?? 0
            inboundTokens[token] = packetID
            externalQueue.append((message, token))
        }
    }
}
