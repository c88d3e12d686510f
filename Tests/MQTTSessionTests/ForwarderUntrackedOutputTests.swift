import TedgeMessaging
import Testing

@testable import TedgeMQTTSession

/// Messages no input produced (an operation handler's answer, a timer's request), handed to the state machine with
/// `publishUntracked`: through the output window, after the output session's CONNACK, never acknowledging an input.
@Suite struct ForwarderUntrackedOutputTests {
    private func untracked(_ harness: StateMachineHarness, _ topic: String, qos: MQTTQoS = .atLeastOnce) {
        harness.machine.publishUntracked(MQTTMessage(topic: topic, text: "answer", qos: qos), now: harness.now)
        harness.tick()
    }

    @Test func publishedAtOnceWhenReadyAndItsPubackAcknowledgesNoInput() {
        let harness = StateMachineHarness()
        harness.establish()
        harness.input(1)
        let inputOutput = harness.written(.output).compactMap(\.publishedPacketID)
        untracked(harness, "az/methods/res/200/?$rid=1")
        let written = harness.written(.output)
        #expect(written.map(\.publishedTopic) == ["az/methods/res/200/?$rid=1"])
        harness.acknowledge(written.compactMap(\.publishedPacketID))
        #expect(harness.written(.input).isEmpty)
        #expect(harness.machine.pendingInputCount == 1)
        harness.acknowledge(inputOutput)
        #expect(harness.written(.input) == [.puback(packetID: 1)])
        #expect(harness.machine.statistics.outputsPublished == 2)
    }

    @Test func waitsForTheOutputSessionsConnack() {
        let harness = StateMachineHarness()
        harness.tick()
        harness.opened(.input)
        harness.opened(.output)
        _ = harness.written(.output)
        untracked(harness, "az/twin/GET/?$rid=5")
        untracked(harness, "te/x", qos: .atMostOnce)
        #expect(harness.written(.output).isEmpty)
        harness.receive(.connack(sessionPresent: false, returnCode: 0), on: .output)
        #expect(harness.written(.output).map(\.publishedTopic) == ["az/twin/GET/?$rid=5", "te/x"])
    }

    @Test func takesItsPlaceInTheOutputWindow() {
        let harness = StateMachineHarness(maxInflight: 1)
        harness.establish()
        untracked(harness, "first")
        untracked(harness, "second")
        let first = harness.written(.output)
        #expect(first.map(\.publishedTopic) == ["first"])
        #expect(harness.machine.queuedOutputCount == 1)
        harness.acknowledge(first.compactMap(\.publishedPacketID))
        #expect(harness.written(.output).map(\.publishedTopic) == ["second"])
    }

    /// Lost with everything in flight when a session drops: the broker redelivers inputs, nothing redelivers these.
    @Test func droppedWithTheSession() {
        let harness = StateMachineHarness(maxInflight: 1)
        harness.establish()
        untracked(harness, "sent")
        untracked(harness, "queued")
        _ = harness.written(.output)
        harness.closed(.output)
        #expect(harness.machine.inflightCount == 0 && harness.machine.queuedOutputCount == 0)
        harness.tick(advancing: 100)
        harness.establish()
        #expect(harness.written(.output).isEmpty)
    }

    @Test func refusedOnceStopping() {
        let harness = StateMachineHarness()
        harness.establish()
        harness.requestStop()
        _ = harness.written(.output)
        untracked(harness, "late")
        #expect(!harness.written(.output).contains { $0.publishedTopic == "late" })
    }

    /// Through the driver: `publishUntracked` queues the PUBLISH, `flushWrites` writes it on the output session.
    @Test func theDriverWritesItOnTheOutputSession() throws {
        let harness = ForwarderHarness()
        try harness.establish()
        harness.forwarder.publishUntracked(MQTTMessage(topic: "az/methods/res/404/?$rid=3", text: "{}", qos: .atLeastOnce))
        harness.forwarder.flushWrites()
        let written = try harness.outputBroker.received()
        #expect(written.map(\.publishedTopic) == ["az/methods/res/404/?$rid=3"])
        #expect(try harness.broker.received().isEmpty)
    }
}
