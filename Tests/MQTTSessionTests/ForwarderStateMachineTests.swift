import TedgeMessaging
import Testing

@testable import TedgeMQTTSession

/// The forwarder's logic alone: events in, actions out; no transport, no bytes, time given with each event.
@Suite struct ForwarderStateMachineTests {
    @Test func opensBothSessionsAndWritesOnlyConnectBeforeConnack() {
        let harness = StateMachineHarness()
        harness.tick()
        #expect(harness.openRequests == 1)
        harness.opened(.input)
        guard case .connect(let connect) = harness.written(.input).first else {
            Issue.record("expected CONNECT on the input session")
            return
        }
        #expect(connect.clientID == "mapper" && !connect.cleanSession && connect.will?.topic == "te/health")
        // An input already delivered before the output session is even connected: its output waits.
        harness.receive(.connack(sessionPresent: true, returnCode: 0), on: .input)
        harness.input(1)
        harness.input(2, qos: .atMostOnce)
        #expect(harness.written(.output).isEmpty)
        harness.opened(.output)
        guard case .connect(let outputConnect) = harness.written(.output).first else {
            Issue.record("expected CONNECT on the output session")
            return
        }
        #expect(outputConnect.clientID == "mapper-out" && outputConnect.cleanSession && outputConnect.will == nil)
        harness.tick(advancing: 60_000)
        #expect(harness.written(.output).isEmpty)
        harness.receive(.connack(sessionPresent: false, returnCode: 0), on: .output)
        #expect(harness.written(.output).map(\.publishedTopic) == ["c8y/te/m", "c8y/te/m"])
    }

    /// "Ready" means subscribed on the input and connected on the output: the ready messages are asked for then,
    /// and only then.
    @Test func readyOnlyAfterSubackWithTheOutputSessionConnected() {
        var readyCalls = 0
        let harness = StateMachineHarness(readyMessages: {
            readyCalls += 1
            return [MQTTMessage(topic: "te/health", text: "up", qos: .atLeastOnce, retain: true)]
        })
        harness.tick()
        harness.opened(.input)
        harness.opened(.output)
        harness.receive(.connack(sessionPresent: false, returnCode: 0), on: .input)
        #expect(
            harness.written(.input).last
                == .subscribe(
                    packetID: 1, subscriptions: [MQTTSubscription(filter: "te/#", qos: .atLeastOnce)]))
        harness.receive(.suback(packetID: 1, returnCodes: [1]), on: .input)
        #expect(!harness.machine.isReady && readyCalls == 0)
        harness.receive(.connack(sessionPresent: false, returnCode: 0), on: .output)
        #expect(harness.machine.isReady && readyCalls == 1)
        #expect(harness.written(.output).map(\.publishedTopic) == [nil, "te/health"])
        #expect(harness.machine.statistics.connections == 1)
    }

    /// An input's PUBACK only after the broker's PUBACK for each of its outputs, and in arrival order even when
    /// the outputs are acknowledged in reverse.
    @Test func inputsAcknowledgedAfterTheirOutputsInArrivalOrder() {
        let harness = StateMachineHarness(convert: { message in
            let count = Int(message.topic.dropFirst(3)) ?? 0
            return (0..<count).map { MQTTMessage(topic: "c8y/\($0)", text: "x", qos: .atLeastOnce) }
        })
        harness.establish()
        harness.input(11, topic: "te/2")
        harness.input(12, topic: "te/1")
        harness.input(13, topic: "te/0")
        let ids = harness.written(.output).compactMap(\.publishedPacketID)
        #expect(ids.count == 3)
        #expect(harness.written(.input).isEmpty)
        for id in ids.reversed().dropLast() {
            harness.acknowledge([id])
            #expect(harness.written(.input).isEmpty)
        }
        harness.acknowledge([ids[0]])
        #expect(harness.written(.input) == [.puback(packetID: 11), .puback(packetID: 12), .puback(packetID: 13)])
        #expect(harness.machine.pendingInputCount == 0)
    }

    /// The conversion itself is awaited: an input with no outputs is not acknowledged before its answer.
    @Test func anInputWaitsForItsConversion() {
        let harness = StateMachineHarness(convert: { _ in [] })
        harness.establish()
        harness.holdsRequests = true
        harness.input(21)
        harness.input(22)
        #expect(harness.written(.input).isEmpty)
        harness.answerHeldRequest()
        #expect(harness.written(.input) == [.puback(packetID: 21)])
        harness.answerHeldRequest()
        #expect(harness.written(.input) == [.puback(packetID: 22)])
    }

    @Test func neverMoreThanMaxInflightOutputsUnacknowledged() {
        let harness = StateMachineHarness(maxInflight: 3)
        harness.establish()
        for id in UInt16(1)...10 { harness.input(id) }
        var outstanding = harness.written(.output).compactMap(\.publishedPacketID)
        #expect(outstanding.count == 3)
        #expect(harness.machine.queuedOutputCount == 7)
        var acknowledged: [UInt16] = []
        while let next = outstanding.first {
            outstanding.removeFirst()
            harness.acknowledge([next])
            acknowledged += harness.written(.input).compactMap(\.acknowledgedPacketID)
            outstanding += harness.written(.output).compactMap(\.publishedPacketID)
            #expect(outstanding.count <= 3 && harness.machine.inflightCount <= 3)
        }
        #expect(acknowledged == Array(1...10))
    }

    /// The input is not read once the input window, the output queue or the output socket's backlog is full, and
    /// is read again as soon as it is not.
    @Test func backpressurePausesAndResumesTheInput() {
        let harness = StateMachineHarness(maxInflight: 1, maxQueuedOutputs: 2, maxWriteBacklogBytes: 1000, inputWindow: 3)
        harness.establish()
        harness.input(1)
        harness.input(2)
        #expect(!harness.machine.isInputPaused && harness.machine.isReadable(.input))
        harness.input(3)
        #expect(harness.machine.isInputPaused && !harness.machine.isReadable(.input))
        #expect(harness.machine.isReadable(.output))
        let first = harness.written(.output).compactMap(\.publishedPacketID)
        harness.acknowledge(first)
        #expect(harness.written(.input) == [.puback(packetID: 1)])
        #expect(!harness.machine.isInputPaused)

        // QoS 0 inputs hold no place in the input window, but their outputs fill the queue.
        let qos0 = StateMachineHarness(
            maxInflight: 1, maxQueuedOutputs: 2,
            convert: { [MQTTMessage(topic: "c8y/m", payload: $0.payload, qos: .atLeastOnce)] })
        qos0.establish()
        for id in UInt16(1)...3 { qos0.input(id, qos: .atMostOnce) }
        #expect(qos0.machine.queuedOutputCount == 2 && qos0.machine.isInputPaused)

        let backlog = StateMachineHarness(maxWriteBacklogBytes: 1000)
        backlog.establish()
        backlog.machine.outputBacklogChanged(bytes: 1000)
        #expect(backlog.machine.isInputPaused)
        backlog.machine.outputBacklogChanged(bytes: 999)
        #expect(!backlog.machine.isInputPaused)
    }

    /// Drain: the input is no longer read; outstanding outputs acknowledged, then the input PUBACKs, then the
    /// final messages, then DISCONNECT on both and the connections closed.
    @Test func drainFinishesWhatIsInFlightThenTheFinalMessagesThenDisconnects() {
        let harness = StateMachineHarness(finalMessages: {
            [MQTTMessage(topic: "te/health", text: "down", qos: .atLeastOnce, retain: true)]
        })
        harness.establish()
        harness.input(31)
        let output = harness.written(.output).compactMap(\.publishedPacketID)
        harness.requestStop()
        #expect(harness.logLines.last == "stopping: waiting for 1 outstanding outputs to be acknowledged")
        #expect(harness.machine.isInputPaused && !harness.machine.isReadable(.input))
        harness.tick(advancing: 4_999)
        #expect(harness.machine.outcome == nil)
        harness.acknowledge(output)
        #expect(harness.written(.input) == [.puback(packetID: 31)])
        harness.tick()
        let final = harness.written(.output)
        #expect(final.map(\.publishedTopic) == ["te/health"])
        harness.acknowledge(final.compactMap(\.publishedPacketID))
        harness.tick()
        #expect(harness.written(.input) == [.disconnect])
        #expect(harness.written(.output) == [.disconnect])
        #expect(harness.closeRequests == 1)
        #expect(harness.machine.outcome == .completed)
    }

    @Test func drainTimesOutAndStillPublishesTheFinalMessages() {
        let harness = StateMachineHarness(
            drainTimeoutMilliseconds: 2000,
            finalMessages: { [MQTTMessage(topic: "te/health", text: "down", qos: .atLeastOnce, retain: true)] })
        harness.establish()
        harness.input(41)
        _ = harness.written(.output)
        harness.requestStop()
        harness.tick(advancing: 1999)
        #expect(harness.written(.output).isEmpty)
        harness.tick(advancing: 1)
        #expect(harness.written(.output).map(\.publishedTopic) == ["te/health"])
        harness.tick(advancing: 1999)
        #expect(harness.machine.outcome == nil)
        harness.tick(advancing: 1)
        #expect(harness.written(.output) == [.disconnect])
        #expect(harness.machine.outcome == .timedOut(unacknowledgedOutputs: 1, finalMessagesAcknowledged: false))
    }

    @Test func stopBeforeBothSessionsAreConnectedEndsAtOnce() {
        let harness = StateMachineHarness()
        harness.tick()
        harness.opened(.input)
        harness.receive(.connack(sessionPresent: false, returnCode: 0), on: .input)
        harness.requestStop()
        #expect(harness.machine.outcome == .notConnected)
        #expect(harness.closeRequests == 1)
    }

    @Test func aDisconnectDuringTheDrainEndsIt() {
        let harness = StateMachineHarness()
        harness.establish()
        harness.input(51)
        harness.requestStop()
        harness.closed(.output)
        #expect(harness.machine.outcome == .notConnected)
        #expect(harness.written(.input).isEmpty)
    }

    /// PINGREQ after keep-alive seconds without sending; nothing received for 1.5 × keep-alive drops both
    /// sessions; a paused input is not silent.
    @Test(arguments: [MQTTSessionRole.input, .output])
    func keepAlivePingsWhenIdleAndDropsASilentBroker(silent: MQTTSessionRole) {
        let harness = StateMachineHarness(keepAliveSeconds: 2)
        harness.establish()
        harness.tick(advancing: 1999)
        #expect(harness.written(.input).isEmpty && harness.written(.output).isEmpty)
        #expect(harness.machine.nextDeadline(after: harness.now) == harness.now + 1)
        harness.tick(advancing: 1)
        #expect(harness.written(.input) == [.pingreq] && harness.written(.output) == [.pingreq])
        let alive: MQTTSessionRole = silent == .input ? .output : .input
        harness.tick(advancing: 500)
        harness.machine.bytesReceived(on: alive, now: harness.now)
        harness.receive(.pingresp, on: alive)
        harness.tick(advancing: 499)
        #expect(harness.closeRequests == 0)
        harness.tick(advancing: 1)
        #expect(harness.closeRequests == 1)
        #expect(harness.logLines.last == "disconnected from localhost:1883 (\(silent) session): nothing received for 3000 ms")
        #expect(!harness.machine.isReady)
        harness.tick(advancing: 100)
        #expect(harness.openRequests == 2)
    }

    @Test func aPausedInputIsNotTakenForADeadBroker() {
        let harness = StateMachineHarness(keepAliveSeconds: 2, inputWindow: 1)
        harness.establish()
        harness.input(61)
        #expect(harness.machine.isInputPaused)
        for _ in 0..<10 {
            harness.tick(advancing: 1000)
            harness.machine.bytesReceived(on: .output, now: harness.now)
        }
        #expect(harness.closeRequests == 0)
    }

    /// A broker not yet listening: retries after 100, 200, 400, 500, 500 ms, the reason logged once; the delay
    /// starts again at 100 ms once connected.
    @Test func reconnectBacksOffAndLogsEachReasonOnce() {
        let harness = StateMachineHarness()
        harness.tick()
        for delay: Int64 in [100, 200, 400, 500, 500] {
            harness.machine.connectionFailed(.input, reason: "Connection refused", now: harness.now)
            harness.tick()
            let attempts = harness.openRequests
            harness.tick(advancing: delay - 1)
            #expect(harness.openRequests == attempts)
            harness.tick(advancing: 1)
            #expect(harness.openRequests == attempts + 1)
        }
        #expect(harness.logLines == ["cannot connect to localhost:1883: Connection refused; retrying"])
        harness.machine.connectionFailed(.output, reason: "Network is unreachable", now: harness.now)
        harness.tick()
        #expect(harness.logLines.count == 2)
        harness.tick(advancing: 500)
        harness.tick(advancing: 90_000)
        #expect(harness.logLines.last == "cannot connect to localhost:1883: connect timed out; retrying")

        let connected = StateMachineHarness()
        connected.establish()
        connected.closed(.input)
        connected.tick(advancing: 99)
        #expect(connected.openRequests == 1)
        connected.tick(advancing: 1)
        #expect(connected.openRequests == 2)
    }

    @Test func refusedConnackIsRetried() {
        let harness = StateMachineHarness()
        harness.tick()
        harness.opened(.output)
        harness.receive(.connack(sessionPresent: false, returnCode: 5), on: .output)
        #expect(harness.logLines.last == "cannot connect to localhost:1883: connection refused: not authorised; retrying")
        #expect(harness.closeRequests == 1)
        harness.tick(advancing: 100)
        #expect(harness.openRequests == 2)
    }

    /// A disconnect drops everything in flight: a late answer or PUBACK of the old session acknowledges nothing.
    @Test func nothingOfTheOldSessionIsAcknowledgedAfterADisconnect() {
        let harness = StateMachineHarness()
        harness.establish()
        harness.input(71)
        let output = harness.written(.output).compactMap(\.publishedPacketID)
        harness.holdsRequests = true
        harness.input(72)
        harness.closed(.output)
        #expect(harness.machine.pendingInputCount == 0 && harness.machine.inflightCount == 0)
        harness.tick(advancing: 100)
        harness.holdsRequests = false
        harness.establish()
        harness.answerHeldRequest()
        harness.acknowledge(output)
        #expect(harness.written(.input).isEmpty)
        #expect(harness.written(.output).isEmpty)
        #expect(harness.logLines.last?.hasPrefix("PUBACK for unknown packet identifier") == true)
    }

    @Test(arguments: [
        (MQTTSessionRole.input, MQTTPacket.puback(packetID: 1)),
        (.output, .publish(MQTTMessage(topic: "x", text: "y", qos: .atLeastOnce), packetID: 9, isDuplicate: false)),
        (.input, .connack(sessionPresent: false, returnCode: 0)),
        (.output, .suback(packetID: 1, returnCodes: [1])),
        (.input, .pingreq),
    ])
    func unexpectedPacketsDropBothSessions(session: MQTTSessionRole, packet: MQTTPacket) {
        let harness = StateMachineHarness()
        harness.establish()
        harness.receive(packet, on: session)
        #expect(harness.closeRequests == 1)
        #expect(harness.logLines.last?.contains("(\(session) session): protocol violation by the broker") == true)
    }

    /// An output that cannot be encoded counts as forwarded: its input is acknowledged, not redelivered forever.
    @Test func anOutputThatCannotBeWrittenStillLetsItsInputBeAcknowledged() {
        let harness = StateMachineHarness()
        harness.establish()
        harness.input(81)
        let publish = harness.written(.output)[0]
        harness.machine.writeRejected(
            publish, on: .output, error: .invalidTopic("contains a wildcard"), now: harness.now)
        harness.tick()
        #expect(harness.written(.input) == [.puback(packetID: 81)])
        #expect(harness.machine.inflightCount == 0)
        #expect(harness.machine.statistics.outputsPublished == 0)
    }

    @Test func oversizedInputIsReportedAndAcknowledgedWithItsReport() {
        let harness = StateMachineHarness()
        harness.establish()
        harness.receive(
            .publish(MQTTMessage(topic: "te/big", payload: [], qos: .atLeastOnce), packetID: 91, isDuplicate: false),
            on: .input, omittedPayloadBytes: 300_000)
        let report = harness.written(.output)
        #expect(report.map(\.publishedTopic) == ["te/errors"])
        harness.acknowledge(report.compactMap(\.publishedPacketID))
        #expect(harness.written(.input) == [.puback(packetID: 91)])
    }

    @Test func qos2InputDisconnectsTheInputSession() {
        let harness = StateMachineHarness()
        harness.establish()
        harness.input(101, qos: .exactlyOnce)
        #expect(harness.written(.input) == [.disconnect])
        #expect(harness.closeRequests == 1)
        #expect(harness.logLines.last == "disconnected from localhost:1883 (input session): QoS 2 input")
    }
}
