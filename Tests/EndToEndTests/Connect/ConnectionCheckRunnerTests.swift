import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

@Suite(.serialized) struct ConnectionCheckRunnerTests {
    let recorder = ConsoleRecorder()
    var console: Console { recorder.console }

    /// Answers come within milliseconds; a generous attempt timeout keeps a loaded machine from failing them.
    func check(attempts: Int = 1, timeout: Duration = .seconds(5)) -> ConnectionCheck {
        ConnectionCheck(
            clientID: "check-\(UUID().uuidString.prefix(6))", subscriptions: ["cloud/res/#"],
            request: MQTTMessage(topic: "cloud/req", text: "ping", qos: .atLeastOnce),
            attempts: attempts, attemptTimeout: timeout, troubleshooting: "look here"
        ) { answer in
            answer.topic.hasSuffix("200") ? .success : answer.topic.hasSuffix("ignore") ? .ignore : .failure(answer.topic)
        }
    }

    /// A fake cloud on the broker: answers requests on `cloud/req` with `reply`.
    func responder(_ broker: TestBroker, reply: @escaping @Sendable (Int) -> [String]) async throws -> (
        MQTTClient, Task<Void, Never>
    ) {
        let (client, _) = try await broker.client(subscribing: [])
        let (listener, inbox) = try await broker.client(subscribing: ["cloud/req"])
        let task = Task {
            var count = 0
            while !Task.isCancelled {
                guard await inbox.next(timeout: .seconds(1)) != nil else { continue }
                count += 1
                for topic in reply(count) { _ = try? client.publish(MQTTMessage(topic: topic, text: "", qos: .atLeastOnce)) }
            }
            listener.disconnect()
        }
        return (client, task)
    }

    @Test func successOnTheExpectedAnswer() async throws {
        let broker = try await TestBroker()
        let (_, task) = try await responder(broker) { _ in ["cloud/res/ignore", "cloud/res/200"] }
        defer { task.cancel() }
        let outcome = try await ConnectionCheckRunner(host: "127.0.0.1", port: broker.port, console: console).run(check())
        #expect(outcome == .success(attempt: 1))
    }

    @Test func rejectedOnAnotherAnswer() async throws {
        let broker = try await TestBroker()
        let (_, task) = try await responder(broker) { _ in ["cloud/res/401"] }
        defer { task.cancel() }
        let outcome = try await ConnectionCheckRunner(host: "127.0.0.1", port: broker.port, console: console).run(check())
        #expect(outcome == .rejected("cloud/res/401"))
    }

    @Test func secondAttemptCanSucceed() async throws {
        let broker = try await TestBroker()
        let (_, task) = try await responder(broker) { count in count == 1 ? [] : ["cloud/res/200"] }
        defer { task.cancel() }
        let outcome = try await ConnectionCheckRunner(host: "127.0.0.1", port: broker.port, console: console).run(
            check(attempts: 2, timeout: .seconds(2)))
        #expect(outcome == .success(attempt: 2))
        #expect(recorder.lines.contains { $0.contains("Try 2 / 2") })
    }

    @Test func noAnswerInTime() async throws {
        let broker = try await TestBroker()
        let outcome = try await ConnectionCheckRunner(host: "127.0.0.1", port: broker.port, console: console).run(
            check(attempts: 2, timeout: .milliseconds(500)))
        #expect(outcome == .noAnswer)
    }

    @Test func brokerDownIsAnError() async throws {
        let port = PortProbe.freePort()
        await #expect(throws: CausedError.self) {
            try await ConnectionCheckRunner(host: "127.0.0.1", port: port, console: console).run(check())
        }
        #expect(recorder.lines.contains("Make sure mosquitto is running.\n"))
    }
}
