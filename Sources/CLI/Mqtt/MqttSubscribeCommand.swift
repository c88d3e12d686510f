import ArgumentParser
import Glibc
import Synchronization
import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

struct MqttSubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sub", abstract: "Subscribe a MQTT topic.")

    /// With `--retained-only`: how long to wait for more retained messages before ending.
    static let retainedQuietPeriod: Duration = .seconds(1)

    @Argument(help: "Topic to subscribe to")
    var topic: String

    @OptionGroup var qosOption: QoSOption

    @Flag(name: .customLong("no-topic"), help: "Avoid printing the message topics on the console")
    var hideTopic = false

    @Option(help: "Exit (status 0) after receiving this many messages")
    var count: Int?

    @Option(help: "Exit (status 0) after this long, e.g. 30, 30s, 500ms, 2m")
    var duration: SubscriptionDuration?

    @Flag(
        name: .customLong("retained-only"),
        help:
            "Print only the retained messages, then exit: at the first message that is not retained, or when no message came for 1s"
    )
    var retainedOnly = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    /// Runs until killed (or `--count`, `--duration`, `--retained-only` end it); renews the
    /// subscription whenever the broker comes back.
    func run() async throws {
        let qos: MQTTQoS
        do { qos = try qosOption.resolve() } catch {
            throw CommandFailure("subscribe the topic \"\(topic)\".", cause: error)
        }
        let action = "subscribe the topic \"\(topic)\" with QoS \"\(qos.name)\"."
        let client: MQTTClient
        do {
            let config = try global.store.load()
            // Back soon after the local broker restarts: libmosquitto counts its delays in whole
            // seconds, and a retry a second against a loopback broker costs nothing.
            client = try MQTTClient(
                .init(
                    port: config.mqttPort, clientID: "tedge-sub-\(getpid())", cleanSession: true,
                    reconnectDelaySeconds: (minimum: 1, maximum: 1)))
            try client.subscribe(topic, qos: qos)
            do {
                try client.connect()
            } catch let error as MQTTError {
                throw error.withHint
            }
        } catch {
            throw CommandFailure(action, cause: error)
        }
        // When the last message (or the subscription) came, for `--retained-only`'s quiet period.
        let lastActivity = Activity()
        let events = Task {
            for await event in client.events {
                switch event {
                case .connected:
                    // Ready means subscribed: "Connected" only once the broker acknowledged the SUBACK.
                    guard (try? await client.waitUntilSubscribed(timeout: .seconds(10))) != nil else { continue }
                    lastActivity.instant.withLock { $0 = $0 ?? .now }
                    Console.standardError.line("INFO: Connected")
                case .disconnected:
                    // Our own disconnect at the end (--count, --duration, --retained-only) is no news.
                    if !lastActivity.finishing.load(ordering: .relaxed) { Console.standardError.line("INFO: Disconnected") }
                }
            }
        }
        defer { events.cancel() }
        let stopwatch = Task { [duration, retainedOnly] in
            let start = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                if let duration, ContinuousClock.now - start >= .seconds(duration.seconds) { break }
                if retainedOnly, let last = lastActivity.instant.withLock({ $0 }),
                    ContinuousClock.now - last >= Self.retainedQuietPeriod
                {
                    break
                }
            }
            lastActivity.finishing.store(true, ordering: .relaxed)
            client.disconnect()  // ends `messages`, so the loop below returns
        }
        defer { stopwatch.cancel() }
        var received = 0
        for await message in client.messages {
            if retainedOnly {
                guard message.retain else {
                    lastActivity.finishing.store(true, ordering: .relaxed)
                    break
                }
                lastActivity.instant.withLock { $0 = .now }
            }
            var payload = message.payload
            if payload.last == 0 { payload.removeLast() }
            guard let text = String(validating: payload, as: UTF8.self) else {
                Console.standardError.line("ERROR: invalid utf-8 sequence in the payload on topic \(message.topic)")
                continue
            }
            Console.standardOutput.line(hideTopic ? text : "[\(message.topic)] \(text)")
            received += 1
            if let count, received >= count { break }
        }
        lastActivity.finishing.store(true, ordering: .relaxed)
        client.disconnect()
    }

    /// Shared between the message loop, the event loop and the stopwatch.
    final class Activity: Sendable {
        let instant = Mutex<ContinuousClock.Instant?>(nil)
        let finishing = Atomic<Bool>(false)
    }
}
