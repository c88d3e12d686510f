import Glibc
import TedgeMQTTSession
import TedgeMessaging
import Testing

/// The forwarder against scripted brokers (one per session) over the in-memory transport, time driven by a manual
/// clock.
@Suite struct MessageForwarderTests {
    @Test func connectsTwoSessionsWithTheWillAndSubscriptionsOnTheInput() throws {
        let harness = ForwarderHarness(keepAliveSeconds: 30)
        harness.step()
        let packets = try harness.broker.received()
        guard case .connect(let connect) = packets.first else {
            Issue.record("expected CONNECT, got \(packets)")
            return
        }
        #expect(connect.clientID == "tedge-mapper-test")
        #expect(!connect.cleanSession)
        #expect(connect.keepAliveSeconds == 30)
        #expect(connect.will == MQTTMessage(topic: "te/health", text: "down", qos: .atLeastOnce, retain: true))
        let outputPackets = try harness.outputBroker.received()
        guard case .connect(let outputConnect) = outputPackets.first else {
            Issue.record("expected CONNECT on the output session, got \(outputPackets)")
            return
        }
        #expect(outputConnect.clientID == "tedge-mapper-test-out")
        #expect(outputConnect.cleanSession)
        #expect(outputConnect.keepAliveSeconds == 30)
        #expect(outputConnect.will == nil)
        harness.broker.send(.connack(sessionPresent: false, returnCode: 0))
        harness.outputBroker.send(.connack(sessionPresent: false, returnCode: 0))
        harness.step()
        let subscribe = try harness.broker.received()
        #expect(
            subscribe == [
                .subscribe(
                    packetID: 1,
                    subscriptions: [
                        MQTTSubscription(filter: "te/+/+/+/+/m/+", qos: .atLeastOnce)
                    ])
            ])
        #expect(try harness.outputBroker.received().isEmpty)
    }

    /// (f) "ready" means subscribed on the input and connected on the output: the ready messages follow SUBACK,
    /// never CONNACK alone, and never before the output session is connected.
    @Test func readyMessagesOnlyAfterSubackAndBothSessionsConnected() throws {
        let up = MQTTMessage(
            topic: "te/device/main/service/mapper/status/health", text: "up", qos: .atLeastOnce,
            retain: true)
        let harness = ForwarderHarness(readyMessages: { [up] })
        harness.step()
        _ = try harness.broker.received()
        _ = try harness.outputBroker.received()
        harness.broker.send(.connack(sessionPresent: false, returnCode: 0))
        harness.step()
        let afterConnack = try harness.broker.received()
        #expect(afterConnack.allSatisfy { $0.publishedTopic == nil })
        #expect(!harness.forwarder.isReady)
        guard case .subscribe(let packetID, _) = afterConnack.first else {
            Issue.record("expected SUBSCRIBE, got \(afterConnack)")
            return
        }
        harness.broker.send(.suback(packetID: packetID, returnCodes: [1]))
        harness.step()
        // Subscribed, but the output session has no CONNACK yet: not ready.
        #expect(try harness.outputBroker.received().isEmpty)
        #expect(!harness.forwarder.isReady)
        harness.outputBroker.send(.connack(sessionPresent: false, returnCode: 0))
        harness.step()
        #expect(try harness.outputBroker.received().map(\.publishedTopic) == [up.topic])
        #expect(try harness.broker.received().isEmpty)
        #expect(harness.forwarder.isReady)
    }

    @Test func refusedSubscriptionIsLoggedAndStillReady() throws {
        let harness = ForwarderHarness()
        harness.step()
        _ = try harness.broker.received()
        harness.broker.send(.connack(sessionPresent: false, returnCode: 0))
        harness.outputBroker.send(.connack(sessionPresent: false, returnCode: 0))
        harness.step()
        _ = try harness.broker.received()
        harness.broker.send(.suback(packetID: 1, returnCodes: [0x80]))
        harness.step()
        #expect(harness.logLines.contains { $0.contains("refused the subscription to te/+/+/+/+/m/+") })
        #expect(harness.forwarder.isReady)
    }

    /// (a) An input's PUBACK never precedes the broker's PUBACK for its outputs, and input PUBACKs leave in the
    /// order the inputs arrived even when the outputs are acknowledged out of order.
    @Test func inputAcknowledgedOnlyAfterItsOutputsInReceiveOrder() throws {
        let harness = ForwarderHarness(convert: { message in
            switch message.topic {
            case "te/two":
                return [
                    MQTTMessage(topic: "c8y/a", text: "1", qos: .atLeastOnce),
                    MQTTMessage(topic: "c8y/b", text: "2", qos: .atLeastOnce),
                ]
            case "te/none": return []
            default: return [MQTTMessage(topic: "c8y/one", text: "3", qos: .atLeastOnce)]
            }
        })
        try harness.establish()
        harness.sendInput(101, topic: "te/two")
        harness.sendInput(102, topic: "te/one")
        harness.sendInput(103, topic: "te/none")
        harness.step()
        let outputs = try harness.outputBroker.received()
        #expect(outputs.map(\.publishedTopic) == ["c8y/a", "c8y/b", "c8y/one"])
        #expect(try harness.broker.received().isEmpty)
        let ids = outputs.compactMap(\.publishedPacketID)
        try #require(ids.count == 3)

        // The second input's only output is acknowledged first: still nothing, 101 is at the head.
        harness.outputBroker.send(.puback(packetID: ids[2]))
        harness.step()
        #expect(try harness.broker.received().isEmpty)
        harness.outputBroker.send(.puback(packetID: ids[1]))
        harness.step()
        #expect(try harness.broker.received().isEmpty)
        harness.outputBroker.send(.puback(packetID: ids[0]))
        harness.step()
        #expect(
            try harness.broker.received() == [
                .puback(packetID: 101), .puback(packetID: 102),
                .puback(packetID: 103),
            ])
        #expect(try harness.outputBroker.received().isEmpty)
        #expect(harness.forwarder.pendingInputCount == 0)
    }

    @Test func inputWithNoOutputsAcknowledgedAtOnce() throws {
        let harness = ForwarderHarness(convert: { _ in [] })
        try harness.establish()
        harness.sendInput(5)
        harness.step()
        #expect(try harness.broker.received() == [.puback(packetID: 5)])
    }

    @Test func qos0OutputsOfAQoS1InputDoNotHoldItsAcknowledgement() throws {
        let harness = ForwarderHarness(convert: { _ in [MQTTMessage(topic: "c8y/fast", text: "x")] })
        try harness.establish()
        harness.sendInput(6)
        harness.step()
        #expect(try harness.outputBroker.received().map(\.publishedTopic) == ["c8y/fast"])
        #expect(try harness.broker.received() == [.puback(packetID: 6)])
    }

    /// A QoS 0 output waits for the output session like a QoS 1 one: the input session may deliver (a persistent
    /// session's redeliveries) while the output session's TCP connect or CONNACK is still outstanding, and nothing
    /// but CONNECT may precede CONNACK.
    @Test(arguments: [TransportConnectProgress.inProgress, .connected])
    func qos0OutputWaitsForTheOutputSessionsConnack(outputTransport: TransportConnectProgress) throws {
        let harness = ForwarderHarness(convert: { _ in [MQTTMessage(topic: "c8y/fast", text: "x")] })
        harness.outputConnectProgress = outputTransport
        harness.step()
        _ = try harness.broker.received()
        harness.broker.send(.connack(sessionPresent: true, returnCode: 0))
        harness.sendInput(7, qos: .atMostOnce)
        harness.step()
        #expect(harness.convertedTopics.count == 1)
        let beforeConnack = try harness.outputBroker.received()
        #expect(beforeConnack.allSatisfy { if case .connect = $0 { true } else { false } }, "\(beforeConnack)")
        harness.outputBroker.client.connectProgress = .connected
        harness.step()
        #expect(try harness.outputBroker.received().allSatisfy { if case .connect = $0 { true } else { false } })
        harness.outputBroker.send(.connack(sessionPresent: false, returnCode: 0))
        harness.step()
        #expect(try harness.outputBroker.received().map(\.publishedTopic) == ["c8y/fast"])
    }

    @Test func qos0InputsForwardedWithoutAcknowledgement() throws {
        let harness = ForwarderHarness()
        try harness.establish()
        harness.sendInput(1, qos: .atMostOnce)
        harness.step()
        let packets = try harness.outputBroker.received()
        #expect(packets.count == 1)
        #expect(packets.first?.publishedTopic == "c8y/te/device/main///m/")
        #expect(try harness.broker.received().isEmpty)
    }

    /// (b) Never more than maxInflight outgoing QoS 1 publishes unacknowledged.
    @Test func inflightWindowRespected() throws {
        let harness = ForwarderHarness(maxInflight: 3)
        try harness.establish()
        for id in UInt16(1)...10 { harness.sendInput(id) }
        harness.step()
        var outstanding = try harness.outputBroker.received().compactMap(\.publishedPacketID)
        #expect(outstanding.count == 3)
        #expect(harness.forwarder.queuedOutputCount == 7)
        var acknowledged: [UInt16] = []
        while let next = outstanding.first {
            outstanding.removeFirst()
            harness.outputBroker.send(.puback(packetID: next))
            harness.step()
            acknowledged += try harness.broker.received().compactMap(\.acknowledgedPacketID)
            outstanding += try harness.outputBroker.received().compactMap(\.publishedPacketID)
            #expect(outstanding.count <= 3)
            #expect(harness.forwarder.inflightCount <= 3)
        }
        #expect(acknowledged == Array(1...10))
    }

    /// QoS 0 inputs are throttled like QoS 1 ones: once the output backlog is full the input is not read, so
    /// nothing is dropped; the broker holds the rest.
    @Test func qos0InputsNotReadWhileTheOutputBacklogIsFull() throws {
        let harness = ForwarderHarness(
            maxInflight: 1, maxQueuedOutputs: 2,
            convert: { message in
                [MQTTMessage(topic: "c8y/x", payload: message.payload, qos: .atLeastOnce)]
            })
        try harness.establish()
        for id in UInt16(1)...10 { harness.sendInput(id, qos: .atMostOnce) }
        harness.step()
        let first = try harness.outputBroker.received().compactMap(\.publishedPacketID)
        #expect(first.count == 1)
        #expect(harness.forwarder.queuedOutputCount == 2)
        #expect(harness.convertedTopics.count == 3)
        #expect(harness.forwarder.isInputPaused)
        for id in first { harness.outputBroker.send(.puback(packetID: id)) }
        harness.step()
        var forwarded = first.count
        for _ in 0..<20 where forwarded < 10 {
            forwarded += try harness.acknowledgeOutputs().count
            harness.step()
            #expect(harness.forwarder.queuedOutputCount <= 2)
        }
        #expect(forwarded == 10)
        #expect(harness.convertedTopics.count == 10)
        #expect(!harness.forwarder.isInputPaused)
    }

    /// (c) Drain: the input is no longer read; outstanding outputs acknowledged, then the input PUBACKs, then
    /// the final messages on the output session, then DISCONNECT on both.
    @Test func drainCompletesInOrder() throws {
        let down = MQTTMessage(topic: "te/health", text: "down", qos: .atLeastOnce, retain: true)
        let harness = ForwarderHarness(finalMessages: { [down] })
        try harness.establish()
        harness.sendInput(11)
        harness.step()
        let output = try harness.outputBroker.received().compactMap(\.publishedPacketID)
        try #require(output.count == 1)

        harness.forwarder.requestStop()
        #expect(harness.forwarder.isInputPaused)
        let readsBefore = harness.broker.client.readCalls
        harness.sendInput(12)
        harness.step()
        #expect(harness.broker.client.readCalls == readsBefore)
        #expect(try harness.broker.received().isEmpty)
        #expect(try harness.outputBroker.received().isEmpty)
        #expect(harness.convertedTopics.count == 1)
        #expect(harness.forwarder.outcome == nil)

        harness.outputBroker.send(.puback(packetID: output[0]))
        harness.step()
        #expect(try harness.broker.received() == [.puback(packetID: 11)])
        let final = try harness.outputBroker.received()
        #expect(final.map(\.publishedTopic) == ["te/health"])
        #expect(harness.forwarder.outcome == nil)
        let finalID = try #require(final.last?.publishedPacketID)

        harness.outputBroker.send(.puback(packetID: finalID))
        harness.step()
        #expect(try harness.broker.received() == [.disconnect])
        #expect(try harness.outputBroker.received() == [.disconnect])
        #expect(harness.forwarder.outcome == .completed)
        #expect(harness.broker.isClosed)
        #expect(harness.outputBroker.isClosed)
        #expect(harness.convertedTopics.count == 1)
    }

    @Test func drainTimesOutButStillPublishesFinalMessages() throws {
        let down = MQTTMessage(topic: "te/health", text: "down", qos: .atLeastOnce, retain: true)
        let harness = ForwarderHarness(drainTimeoutMilliseconds: 2000, finalMessages: { [down] })
        try harness.establish()
        harness.sendInput(21)
        harness.step()
        _ = try harness.outputBroker.received()
        harness.forwarder.requestStop()
        harness.clock.advance(by: 1999)
        harness.step()
        #expect(try harness.outputBroker.received().isEmpty)
        harness.clock.advance(by: 1)
        harness.step()
        #expect(try harness.outputBroker.received().map(\.publishedTopic) == ["te/health"])
        #expect(try harness.broker.received().isEmpty)
        harness.clock.advance(by: 2000)
        harness.step()
        #expect(try harness.broker.received() == [.disconnect])
        #expect(try harness.outputBroker.received() == [.disconnect])
        #expect(harness.forwarder.outcome == .timedOut(unacknowledgedOutputs: 1, finalMessagesAcknowledged: false))
        #expect(harness.forwarder.outcome?.isComplete == false)
    }

    @Test func stopWhileDisconnectedEndsAtOnce() {
        let harness = ForwarderHarness()
        harness.forwarder.requestStop()
        #expect(harness.forwarder.outcome == .notConnected)
    }

    /// (d) PINGREQ on each session after keep-alive seconds without sending on it; nothing received on either
    /// for 1.5 × keep-alive: both dropped, both reconnected.
    @Test(arguments: [MQTTSessionRole.input, .output])
    func keepAlivePingsAndDetectsADeadBroker(silentSession: MQTTSessionRole) throws {
        let harness = ForwarderHarness(keepAliveSeconds: 2)
        try harness.establish()
        let silent = harness.broker(silentSession)
        let alive = harness.broker(silentSession == .input ? .output : .input)
        harness.clock.advance(by: 1999)
        harness.step()
        #expect(try harness.broker.received().isEmpty)
        #expect(try harness.outputBroker.received().isEmpty)
        harness.clock.advance(by: 1)
        harness.step()
        #expect(try harness.broker.received() == [.pingreq])
        #expect(try harness.outputBroker.received() == [.pingreq])
        harness.clock.advance(by: 500)
        silent.send(.pingresp)
        alive.send(.pingresp)
        harness.step()
        // 2.9 s after SUBACK but 0.5 s after PINGRESP: alive.
        harness.clock.advance(by: 400)
        harness.step()
        #expect(!silent.isClosed)
        #expect(harness.brokers.count == 1)

        // Now one broker connection goes silent while the other keeps answering: 3 s (1.5 × 2 s) after its
        // last PINGRESP both connections are dropped.
        for _ in 0..<5 {
            harness.clock.advance(by: 500)
            harness.step()
            if try alive.received().contains(.pingreq) { alive.send(.pingresp) }
            _ = try silent.received()
        }
        harness.clock.advance(by: 99)
        harness.step()
        #expect(!silent.isClosed)
        harness.clock.advance(by: 1)
        harness.step()
        #expect(silent.isClosed)
        #expect(alive.isClosed)
        #expect(
            harness.logLines.contains {
                $0.contains("disconnected") && $0.contains("(\(silentSession) session)")
                    && $0.contains("nothing received")
            })
        harness.clock.advance(by: 100)
        harness.step()
        #expect(harness.brokers.count == 2)
        #expect(harness.outputBrokers.count == 2)
        guard case .connect = try harness.broker.received().first, case .connect = try harness.outputBroker.received().first
        else {
            Issue.record("expected a new CONNECT on both sessions")
            return
        }
    }

    /// (e) A protocol violation by the broker on either session: drop both connections, no crash, reconnect;
    /// in-flight state dropped so the redelivered input is handled afresh.
    @Test(
        arguments: [MQTTSessionRole.input, .output],
        [
            [UInt8]([0xF0, 0x00]), [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], [0x30, 0x04, 0x00, 0x02, 0x61, 0x23],
            [0x50, 0x02, 0x00, 0x01], [0x20, 0x02, 0x00, 0x00],
        ])
    func protocolViolationReconnects(session: MQTTSessionRole, garbage: [UInt8]) throws {
        let harness = ForwarderHarness()
        try harness.establish()
        harness.sendInput(31)
        harness.step()
        #expect(try harness.outputBroker.received().count == 1)
        harness.broker(session).sendRaw(garbage)
        harness.step()
        #expect(harness.broker.isClosed)
        #expect(harness.outputBroker.isClosed)
        #expect(harness.logLines.contains { $0.contains("protocol violation") })
        #expect(harness.forwarder.pendingInputCount == 0)
        #expect(harness.forwarder.inflightCount == 0)
        #expect(!harness.forwarder.isReady)
        harness.clock.advance(by: 100)
        try harness.establish()
        #expect(harness.brokers.count == 2)
        #expect(harness.outputBrokers.count == 2)
        harness.sendInput(31)
        harness.step()
        #expect(try harness.outputBroker.received().compactMap(\.publishedPacketID).count == 1)
    }

    /// Each session carries one direction: a PUBACK on the input or a PUBLISH on the output is a violation.
    @Test func packetOnTheWrongSessionIsAProtocolViolation() throws {
        for (session, packet) in [
            (MQTTSessionRole.input, MQTTPacket.puback(packetID: 1)),
            (
                .output,
                .publish(
                    MQTTMessage(topic: "x", text: "y", qos: .atLeastOnce),
                    packetID: 9, isDuplicate: false)
            ),
        ] {
            let harness = ForwarderHarness()
            try harness.establish()
            harness.broker(session).send(packet)
            harness.step()
            #expect(harness.broker.isClosed)
            #expect(harness.outputBroker.isClosed)
            #expect(harness.logLines.contains { $0.contains("protocol violation") && $0.contains("\(session) session") })
        }
    }

    @Test func qos2InputDisconnectsCleanly() throws {
        let harness = ForwarderHarness()
        try harness.establish()
        harness.sendInput(41, qos: .exactlyOnce)
        harness.step()
        #expect(try harness.broker.received() == [.disconnect])
        #expect(harness.broker.isClosed)
        #expect(harness.outputBroker.isClosed)
        #expect(harness.convertedTopics.isEmpty)
    }

    @Test(arguments: [MQTTSessionRole.input, .output])
    func brokerClosingAConnectionReconnectsBothWithBackoff(session: MQTTSessionRole) throws {
        let harness = ForwarderHarness()
        try harness.establish()
        harness.broker(session).transport.close()
        harness.step()
        #expect(harness.logLines.contains { $0.contains("disconnected from localhost:1883 (\(session) session)") })
        #expect(harness.broker.isClosed)
        #expect(harness.outputBroker.isClosed)
        harness.clock.advance(by: 99)
        harness.step()
        #expect(harness.brokers.count == 1)
        harness.clock.advance(by: 1)
        harness.step()
        #expect(harness.brokers.count == 2)
        #expect(harness.outputBrokers.count == 2)
    }

    /// A mapper started before its broker: retries at 100, 200, 400, 500, 500 ms, logging the reason once.
    @Test func connectFailuresLoggedOncePerReasonWithCappedBackoff() throws {
        let harness = ForwarderHarness()
        harness.failNextConnections = 5
        harness.step()
        for delay: Int64 in [100, 200, 400, 500, 500] {
            harness.clock.advance(by: delay - 1)
            harness.step()
            #expect(harness.brokers.isEmpty || delay == 500)
            harness.clock.advance(by: 1)
            harness.step()
        }
        #expect(harness.brokers.count == 1)
        #expect(
            harness.logLines.filter { $0.contains("cannot connect to localhost:1883: Connection refused") }.count
                == 1)
        #expect(harness.outputBrokers.dropLast().allSatisfy { $0.isClosed })
        try harness.establish()
        #expect(harness.forwarder.isReady)
    }

    @Test(arguments: [MQTTSessionRole.input, .output])
    func refusedConnackLoggedAndRetried(session: MQTTSessionRole) throws {
        let harness = ForwarderHarness()
        harness.step()
        _ = try harness.broker(session).received()
        harness.broker(session).send(.connack(sessionPresent: false, returnCode: 5))
        harness.step()
        #expect(harness.broker.isClosed)
        #expect(harness.outputBroker.isClosed)
        #expect(harness.logLines.contains { $0.contains("not authorised") })
        harness.clock.advance(by: 100)
        try harness.establish()
        #expect(harness.forwarder.isReady)
    }

    @Test func invalidOutputTopicIsDroppedAndTheInputStillAcknowledged() throws {
        let harness = ForwarderHarness(convert: { _ in
            [MQTTMessage(topic: "c8y/+/bad", text: "x", qos: .atLeastOnce)]
        })
        try harness.establish()
        harness.sendInput(51)
        harness.step()
        #expect(try harness.broker.received() == [.puback(packetID: 51)])
        #expect(try harness.outputBroker.received().isEmpty)
        #expect(harness.logLines.contains { $0.contains("dropping output on c8y/+/bad") })
    }

    /// An input larger than the limit is not received whole: `oversizedInput` reports it (an output like any
    /// other) and it is acknowledged once that report is.
    @Test func oversizedInputReportedAndAcknowledged() throws {
        var reported: [(String, Int)] = []
        let harness = ForwarderHarness(
            maxIncomingPacketBytes: 1024,
            oversizedInput: { topic, size in
                reported.append((topic, size))
                return [MQTTMessage(topic: "tedge/errors", text: "too big: \(size)", qos: .atLeastOnce)]
            })
        try harness.establish()
        harness.broker.send(
            .publish(
                MQTTMessage(
                    topic: "te/big", payload: [UInt8](repeating: 0x41, count: 5000),
                    qos: .atLeastOnce), packetID: 61, isDuplicate: false))
        harness.sendInput(62)
        harness.step()
        #expect(reported.map(\.0) == ["te/big"])
        #expect(reported.first.map { $0.1 >= 5000 - 1024 } == true)
        let outputs = try harness.outputBroker.received()
        #expect(outputs.map(\.publishedTopic) == ["tedge/errors", "c8y/te/device/main///m/"])
        #expect(try harness.broker.received().isEmpty)
        for id in outputs.compactMap(\.publishedPacketID) { harness.outputBroker.send(.puback(packetID: id)) }
        harness.step()
        #expect(try harness.broker.received() == [.puback(packetID: 61), .puback(packetID: 62)])
    }

    /// Writes are coalesced: many packets produced in one step leave in a single write.
    @Test func manyInputsInOneStepProduceOneWrite() throws {
        let harness = ForwarderHarness(convert: { _ in [] })
        try harness.establish()
        for id in UInt16(1)...50 { harness.sendInput(id) }
        harness.step()
        #expect(try harness.broker.received().compactMap(\.acknowledgedPacketID) == Array(1...50))
    }

    @Test func stopSignalArrivesThroughTheDescriptor() throws {
        let signals = try SignalDescriptor(signals: [SIGUSR1])
        let harness = ForwarderHarness(convert: { _ in [] })
        try harness.establish()
        // raise() directs the signal at this thread, where it is blocked: it waits on the descriptor.
        raise(SIGUSR1)
        let outcome = harness.forwarder.runOnce(maxWaitMilliseconds: 0, stopSignals: signals)
        #expect(harness.logLines.contains { $0.contains("received signal \(SIGUSR1)") })
        #expect(outcome == .completed)
        #expect(try harness.broker.received() == [.disconnect])
        #expect(try harness.outputBroker.received() == [.disconnect])
    }
}

/// A broker that exceeds its own in-flight window (mosquitto 2.0.11) cannot make the forwarder buffer without
/// bound: at the input window the input session is not read at all, while the output session's
/// acknowledgements keep flowing.
@Suite struct MessageForwarderInputWindowTests {
    @Test func fullWindowStopsReadingTheInputUntilOutputsAreAcknowledged() throws {
        let harness = ForwarderHarness(maxInflight: 10, inputWindow: 3)
        try harness.establish()
        for id in UInt16(1)...10 { harness.sendInput(id) }
        harness.step()
        #expect(harness.convertedTopics.count == 3)
        #expect(harness.forwarder.pendingInputCount == 3)
        #expect(harness.forwarder.isInputPaused)
        var outstanding = try harness.outputBroker.received().compactMap(\.publishedPacketID)
        #expect(outstanding.count == 3)

        // Paused: more inputs arrive, the input transport is not read at all, the output one still is.
        for id in UInt16(11)...15 { harness.sendInput(id) }
        let inputReads = harness.broker.client.readCalls
        let outputReads = harness.outputBroker.client.readCalls
        for _ in 0..<3 { harness.step() }
        #expect(harness.broker.client.readCalls == inputReads)
        #expect(harness.outputBroker.client.readCalls > outputReads)
        #expect(harness.convertedTopics.count == 3)
        #expect(try harness.broker.received().isEmpty)

        // Acknowledgements flow; each one frees a place in the window; every input PUBACK in order.
        var acknowledged: [UInt16] = []
        while let next = outstanding.first {
            outstanding.removeFirst()
            harness.outputBroker.send(.puback(packetID: next))
            harness.step()
            #expect(harness.forwarder.pendingInputCount <= 3)
            acknowledged += try harness.broker.received().compactMap(\.acknowledgedPacketID)
            outstanding += try harness.outputBroker.received().compactMap(\.publishedPacketID)
        }
        #expect(acknowledged == Array(1...15))
        #expect(harness.broker.client.readCalls > inputReads)
        #expect(!harness.forwarder.isInputPaused)
    }

    /// A long pause is not mistaken for a dead broker: the input is not being read, not silent.
    @Test func pausedInputIsNotTakenForADeadBroker() throws {
        let harness = ForwarderHarness(keepAliveSeconds: 2, inputWindow: 1)
        try harness.establish()
        harness.sendInput(1)
        harness.sendInput(2)
        harness.step()
        let output = try #require(try harness.outputBroker.received().compactMap(\.publishedPacketID).first)
        for _ in 0..<10 {
            harness.clock.advance(by: 1000)
            harness.step()
            if try harness.outputBroker.received().contains(.pingreq) { harness.outputBroker.send(.pingresp) }
            _ = try harness.broker.received()
        }
        #expect(!harness.broker.isClosed)
        harness.outputBroker.send(.puback(packetID: output))
        harness.step()
        #expect(try harness.broker.received().compactMap(\.acknowledgedPacketID) == [1])
        #expect(harness.convertedTopics.count == 2)
    }
}
