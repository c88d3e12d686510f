import Glibc
import Testing
import TedgeMessaging
import TedgeMQTTSession

/// The forwarder against a scripted broker over the in-memory transport, time driven by a manual clock.
@Suite struct MessageForwarderTests {
    @Test func connectsWithPersistentSessionWillAndKeepAlive() throws {
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
        harness.broker.send(.connack(sessionPresent: false, returnCode: 0))
        harness.step()
        let subscribe = try harness.broker.received()
        #expect(subscribe == [.subscribe(packetID: 1, subscriptions: [
            MQTTSubscription(filter: "te/+/+/+/+/m/+", qos: .atLeastOnce)])])
    }

    /// (f) "ready" means subscribed: the ready messages follow SUBACK, never CONNACK alone.
    @Test func readyMessagesOnlyAfterSuback() throws {
        let up = MQTTMessage(topic: "te/device/main/service/mapper/status/health", text: "up", qos: .atLeastOnce,
                             retain: true)
        let harness = ForwarderHarness(readyMessages: { [up] })
        harness.step()
        _ = try harness.broker.received()
        harness.broker.send(.connack(sessionPresent: false, returnCode: 0))
        harness.step()
        let afterConnack = try harness.broker.received()
        #expect(afterConnack.allSatisfy { $0.publishedTopic == nil })
        #expect(!harness.forwarder.isReady)
        guard case .subscribe(let packetID, _) = afterConnack.first else {
            Issue.record("expected SUBSCRIBE, got \(afterConnack)")
            return
        }
        harness.step()
        #expect(try harness.broker.received().isEmpty)
        harness.broker.send(.suback(packetID: packetID, returnCodes: [1]))
        harness.step()
        let afterSuback = try harness.broker.received()
        #expect(afterSuback.map(\.publishedTopic) == [up.topic])
        #expect(harness.forwarder.isReady)
    }

    @Test func refusedSubscriptionIsLoggedAndStillReady() throws {
        let harness = ForwarderHarness()
        harness.step()
        _ = try harness.broker.received()
        harness.broker.send(.connack(sessionPresent: false, returnCode: 0))
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
            case "te/two": return [MQTTMessage(topic: "c8y/a", text: "1", qos: .atLeastOnce),
                                   MQTTMessage(topic: "c8y/b", text: "2", qos: .atLeastOnce)]
            case "te/none": return []
            default: return [MQTTMessage(topic: "c8y/one", text: "3", qos: .atLeastOnce)]
            }
        })
        try harness.establish()
        harness.sendInput(101, topic: "te/two")
        harness.sendInput(102, topic: "te/one")
        harness.sendInput(103, topic: "te/none")
        harness.step()
        let outputs = try harness.broker.received()
        #expect(outputs.map(\.publishedTopic) == ["c8y/a", "c8y/b", "c8y/one"])
        #expect(outputs.allSatisfy { $0.acknowledgedPacketID == nil })
        let ids = outputs.compactMap(\.publishedPacketID)
        try #require(ids.count == 3)

        // The second input's only output is acknowledged first: still nothing, 101 is at the head.
        harness.broker.send(.puback(packetID: ids[2]))
        harness.step()
        #expect(try harness.broker.received().isEmpty)
        harness.broker.send(.puback(packetID: ids[1]))
        harness.step()
        #expect(try harness.broker.received().isEmpty)
        harness.broker.send(.puback(packetID: ids[0]))
        harness.step()
        #expect(try harness.broker.received() == [.puback(packetID: 101), .puback(packetID: 102),
                                                    .puback(packetID: 103)])
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
        let packets = try harness.broker.received()
        #expect(packets.map(\.publishedTopic) == ["c8y/fast", nil])
        #expect(packets.last == .puback(packetID: 6))
    }

    @Test func qos0InputsForwardedWithoutAcknowledgement() throws {
        let harness = ForwarderHarness()
        try harness.establish()
        harness.sendInput(1, qos: .atMostOnce)
        harness.step()
        let packets = try harness.broker.received()
        #expect(packets.count == 1)
        #expect(packets.first?.publishedTopic == "c8y/te/device/main///m/")
    }

    /// (b) Never more than maxInflight outgoing QoS 1 publishes unacknowledged.
    @Test func inflightWindowRespected() throws {
        let harness = ForwarderHarness(maxInflight: 3)
        try harness.establish()
        for id in UInt16(1)...10 { harness.sendInput(id) }
        harness.step()
        var outstanding = try harness.broker.received().compactMap(\.publishedPacketID)
        #expect(outstanding.count == 3)
        #expect(harness.forwarder.queuedOutputCount == 7)
        var acknowledged: [UInt16] = []
        while let next = outstanding.first {
            outstanding.removeFirst()
            harness.broker.send(.puback(packetID: next))
            harness.step()
            let packets = try harness.broker.received()
            acknowledged += packets.compactMap(\.acknowledgedPacketID)
            outstanding += packets.compactMap(\.publishedPacketID)
            #expect(outstanding.count <= 3)
            #expect(harness.forwarder.inflightCount <= 3)
        }
        #expect(acknowledged == Array(1...10))
    }

    @Test func qos0InputsDroppedWhenTheBacklogIsFull() throws {
        let harness = ForwarderHarness(maxInflight: 1, maxQueuedOutputs: 2, convert: { message in
            [MQTTMessage(topic: "c8y/x", payload: message.payload, qos: .atLeastOnce)]
        })
        try harness.establish()
        for id in UInt16(1)...10 { harness.sendInput(id, qos: .atMostOnce) }
        harness.step()
        #expect(try harness.broker.received().compactMap(\.publishedPacketID).count == 1)
        #expect(harness.forwarder.queuedOutputCount == 2)
        #expect(harness.forwarder.statistics.droppedQoS0Inputs == 7)
        #expect(harness.logLines.filter { $0.contains("dropping QoS 0 inputs") }.count == 1)
    }

    /// (c) Drain: outstanding outputs acknowledged, then the input PUBACKs, then the final messages, then
    /// DISCONNECT; inputs arriving during the drain are neither converted nor acknowledged.
    @Test func drainCompletesInOrder() throws {
        let down = MQTTMessage(topic: "te/health", text: "down", qos: .atLeastOnce, retain: true)
        let harness = ForwarderHarness(finalMessages: { [down] })
        try harness.establish()
        harness.sendInput(11)
        harness.step()
        let output = try harness.broker.received().compactMap(\.publishedPacketID)
        try #require(output.count == 1)

        harness.forwarder.requestStop()
        harness.sendInput(12)
        harness.step()
        #expect(try harness.broker.received().isEmpty)
        #expect(harness.convertedTopics.count == 1)
        #expect(harness.forwarder.outcome == nil)

        harness.broker.send(.puback(packetID: output[0]))
        harness.step()
        let packets = try harness.broker.received()
        #expect(packets.first == .puback(packetID: 11))
        #expect(packets.dropFirst().map(\.publishedTopic) == ["te/health"])
        #expect(!packets.contains(.puback(packetID: 12)))
        #expect(harness.forwarder.outcome == nil)
        let finalID = try #require(packets.last?.publishedPacketID)

        harness.broker.send(.puback(packetID: finalID))
        harness.step()
        #expect(try harness.broker.received() == [.disconnect])
        #expect(harness.forwarder.outcome == .completed)
        #expect(harness.broker.isClosed)
    }

    @Test func drainTimesOutButStillPublishesFinalMessages() throws {
        let down = MQTTMessage(topic: "te/health", text: "down", qos: .atLeastOnce, retain: true)
        let harness = ForwarderHarness(drainTimeoutMilliseconds: 2000, finalMessages: { [down] })
        try harness.establish()
        harness.sendInput(21)
        harness.step()
        _ = try harness.broker.received()
        harness.forwarder.requestStop()
        harness.clock.advance(by: 1999)
        harness.step()
        #expect(try harness.broker.received().isEmpty)
        harness.clock.advance(by: 1)
        harness.step()
        let final = try harness.broker.received()
        #expect(final.map(\.publishedTopic) == ["te/health"])
        #expect(!final.contains(.puback(packetID: 21)))
        harness.clock.advance(by: 2000)
        harness.step()
        #expect(try harness.broker.received() == [.disconnect])
        #expect(harness.forwarder.outcome == .timedOut(unacknowledgedOutputs: 1, finalMessagesAcknowledged: false))
        #expect(harness.forwarder.outcome?.isComplete == false)
    }

    @Test func stopWhileDisconnectedEndsAtOnce() {
        let harness = ForwarderHarness()
        harness.forwarder.requestStop()
        #expect(harness.forwarder.outcome == .notConnected)
    }

    /// (d) PINGREQ after keep-alive seconds without sending; nothing received for 1.5 × keep-alive: reconnect.
    @Test func keepAlivePingsAndDetectsADeadBroker() throws {
        let harness = ForwarderHarness(keepAliveSeconds: 2)
        try harness.establish()
        harness.clock.advance(by: 1999)
        harness.step()
        #expect(try harness.broker.received().isEmpty)
        harness.clock.advance(by: 1)
        harness.step()
        #expect(try harness.broker.received() == [.pingreq])
        harness.clock.advance(by: 500)
        harness.broker.send(.pingresp)
        harness.step()
        // 2.9 s after SUBACK but 0.5 s after PINGRESP: alive.
        harness.clock.advance(by: 400)
        harness.step()
        #expect(!harness.broker.isClosed)
        #expect(harness.brokers.count == 1)

        // Now the broker goes silent: 3 s (1.5 × 2 s) after the PINGRESP the connection is dropped.
        harness.clock.advance(by: 2599)
        harness.step()
        #expect(!harness.broker.isClosed)
        harness.clock.advance(by: 1)
        harness.step()
        #expect(harness.broker.isClosed)
        #expect(harness.logLines.contains { $0.contains("disconnected") && $0.contains("nothing received") })
        harness.clock.advance(by: 100)
        harness.step()
        #expect(harness.brokers.count == 2)
        guard case .connect = try harness.broker.received().first else {
            Issue.record("expected a new CONNECT")
            return
        }
    }

    /// (e) A protocol violation by the broker: drop the connection, no crash, reconnect; in-flight state dropped
    /// so the redelivered input is handled afresh.
    @Test(arguments: [[UInt8]([0xF0, 0x00]), [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], [0x30, 0x04, 0x00, 0x02, 0x61, 0x23],
                      [0x50, 0x02, 0x00, 0x01], [0x20, 0x02, 0x00, 0x00]])
    func protocolViolationReconnects(garbage: [UInt8]) throws {
        let harness = ForwarderHarness()
        try harness.establish()
        harness.sendInput(31)
        harness.step()
        #expect(try harness.broker.received().count == 1)
        harness.broker.sendRaw(garbage)
        harness.step()
        #expect(harness.broker.isClosed)
        #expect(harness.logLines.contains { $0.contains("protocol violation") })
        #expect(harness.forwarder.pendingInputCount == 0)
        #expect(harness.forwarder.inflightCount == 0)
        harness.clock.advance(by: 100)
        try harness.establish()
        #expect(harness.brokers.count == 2)
        harness.sendInput(31)
        harness.step()
        #expect(try harness.broker.received().compactMap(\.publishedPacketID).count == 1)
    }

    @Test func qos2InputDisconnectsCleanly() throws {
        let harness = ForwarderHarness()
        try harness.establish()
        harness.sendInput(41, qos: .exactlyOnce)
        harness.step()
        #expect(try harness.broker.received() == [.disconnect])
        #expect(harness.broker.isClosed)
        #expect(harness.convertedTopics.isEmpty)
    }

    @Test func brokerClosingTheConnectionReconnectsWithBackoff() throws {
        let harness = ForwarderHarness()
        try harness.establish()
        harness.broker.transport.close()
        harness.step()
        #expect(harness.logLines.contains { $0.contains("disconnected from localhost:1883") })
        harness.clock.advance(by: 99)
        harness.step()
        #expect(harness.brokers.count == 1)
        harness.clock.advance(by: 1)
        harness.step()
        #expect(harness.brokers.count == 2)
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
        #expect(harness.logLines.filter { $0.contains("cannot connect to localhost:1883: Connection refused") }.count
                == 1)
        try harness.establish()
        #expect(harness.forwarder.isReady)
    }

    @Test func refusedConnackLoggedAndRetried() throws {
        let harness = ForwarderHarness()
        harness.step()
        _ = try harness.broker.received()
        harness.broker.send(.connack(sessionPresent: false, returnCode: 5))
        harness.step()
        #expect(harness.broker.isClosed)
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
        #expect(harness.logLines.contains { $0.contains("dropping output on c8y/+/bad") })
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
    }
}

/// A broker that exceeds its own in-flight window cannot make the forwarder buffer without bound.
@Suite struct MessageForwarderPendingInputBoundTests {
    @Test func inputsBeyondTheBoundAreIgnoredThenRedeliveredAfterAReconnect() throws {
        let harness = ForwarderHarness(maxInflight: 1, maxPendingInputs: 2)
        try harness.establish()
        for id in UInt16(1)...4 { harness.sendInput(id) }
        harness.step()
        let first = try harness.broker.received().compactMap(\.publishedPacketID)
        try #require(first.count == 1)
        #expect(harness.convertedTopics.count == 2)
        #expect(harness.forwarder.statistics.ignoredQoS1Inputs == 2)

        harness.broker.send(.puback(packetID: first[0]))
        harness.step()
        let second = try harness.broker.received()
        #expect(second.contains(.puback(packetID: 1)))
        let next = try #require(second.compactMap(\.publishedPacketID).first)
        #expect(!harness.broker.isClosed)

        harness.broker.send(.puback(packetID: next))
        harness.step()
        // Everything before the ignored inputs acknowledged, in order; then a clean reconnect.
        #expect(try harness.broker.received() == [.puback(packetID: 2), .disconnect])
        #expect(harness.broker.isClosed)
        harness.clock.advance(by: 100)
        try harness.establish()
        #expect(harness.brokers.count == 2)
        #expect(harness.logLines.contains { $0.contains("ignoring new inputs") })
    }
}
