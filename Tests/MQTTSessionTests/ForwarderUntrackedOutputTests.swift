import Glibc
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

    /// The companion (the mapper's operation handlers) is polled with the forwarder, bounds its wait, and is served at
    /// the start of every step, where what it publishes goes out in that step.
    @Test func theCompanionIsPolledAndServedWithTheForwarder() throws {
        final class Companion: ForwarderCompanion {
            var served = 0
            var answer: MQTTMessage?
            func appendPollDescriptors(to descriptors: inout [pollfd]) {
                descriptors.append(pollfd(fd: 42, events: Int16(POLLIN), revents: 0))
            }
            func nextDeadline(after now: Int64) -> Int64 { now + 7 }
            func serve(_ forwarder: MessageForwarder) {
                served += 1
                if let answer { forwarder.publishUntracked(answer) }
                answer = nil
            }
        }
        let harness = ForwarderHarness()
        let companion = Companion()
        harness.forwarder.companion = companion
        try harness.establish()
        var descriptors: [pollfd] = []
        harness.forwarder.appendPollDescriptors(to: &descriptors)
        #expect(descriptors.last?.fd == 42)
        #expect(harness.forwarder.nextDeadline(after: 1_000) == 1_007)
        let before = companion.served
        companion.answer = MQTTMessage(topic: "az/twin/GET/?$rid=1", text: "", qos: .atLeastOnce)
        harness.step()
        #expect(companion.served == before + 1)
        #expect(try harness.outputBroker.received().compactMap(\.publishedTopic) == ["az/twin/GET/?$rid=1"])
    }
}
