import Glibc
import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

/// Runs a provider's mapper: the same loop for every cloud. Persistent session and QoS 1 both ways,
/// so messages published while the mapper is down are delivered when it comes back; every
/// conversion error goes to `tedge/errors`; a retained health message, with the "down" one as will.
public final class MapperRuntime: Sendable {
    public static let errorTopic = "tedge/errors"
    /// Messages received (and so acknowledged by libmosquitto) but not yet converted: small, because
    /// these are what a SIGKILL can lose, and large enough to keep the two cores busy.
    static let receiveBuffer = 64

    public let provider: any CloudProvider
    public let config: TedgeConfig
    public let log: Console

    public init(provider: any CloudProvider, config: TedgeConfig, log: Console) {
        self.provider = provider
        self.config = config
        self.log = log
    }

    public var name: String { "tedge-mapper-\(provider.id)" }
    public var healthTopic: String { "tedge/health/\(name)" }
    public var lockPath: String { FileSystem.join(config.value(of: CoreConfigKeys.runPath) ?? config.directory, "\(name).lock") }

    /// Runs until SIGTERM or SIGINT, then disconnects cleanly (the final health message says "down").
    public func run(shutdown: ShutdownSignal) async throws {
        guard let description = provider.mapper(config) else {
            throw TedgeError("The \(provider.cloudName) cloud (\(provider.id)) has no mapper.")
        }
        let lock = try FileLock(path: lockPath)
        defer { withExtendedLifetime(lock) {} }

        let client = try MQTTClient(.init(
            host: "localhost", port: config.mqttPort, clientID: name, cleanSession: false,
            will: MQTTMessage(topic: healthTopic, text: health("down"), qos: .atLeastOnce, retain: true),
            maxInflightMessages: 100, maxBufferedMessages: Self.receiveBuffer))
        for filter in description.subscriptions { try client.subscribe(filter, qos: .atLeastOnce) }
        try client.start()
        log.line("\(name) starting: subscribing \(description.subscriptions.joined(separator: ", ")) on localhost:\(client.configuration.port)")

        let listed = description.listedDirectory.map { FileSystem.regularFileNames(in: FileSystem.join(config.directory, $0)) } ?? []
        var converter = description.makeConverter(listed)
        let startup = converter.startupMessages()
        let events = Task { [log, name, healthTopic] in
            var announced = false
            for await event in client.events {
                switch event {
                case .connected:
                    log.line("\(name): connected to the local broker")
                    _ = try? client.publish(MQTTMessage(topic: healthTopic, text: self.health("up"), qos: .atLeastOnce, retain: true))
                    if !announced {
                        for message in startup { _ = try? client.publish(message) }
                        announced = true
                    }
                case .disconnected:
                    log.line("\(name): disconnected from the local broker; reconnecting")
                }
            }
        }
        defer { events.cancel() }

        let loop = Task {
            for await message in client.messages {
                switch converter.convert(message) {
                case .success(let outputs):
                    for output in outputs { Self.send(output, with: client, log: log) }
                case .failure(let error):
                    log.line("Mapping error: \(error)")
                    Self.send(MQTTMessage(topic: Self.errorTopic, text: error.description, qos: .atLeastOnce), with: client, log: log)
                }
            }
        }
        let signal = await shutdown.wait()
        log.line("\(name): stopping on signal \(signal)")
        loop.cancel()
        if let mid = try? client.publish(MQTTMessage(topic: healthTopic, text: health("down"), qos: .atLeastOnce, retain: true)) {
            try? await client.waitForDelivery(of: mid, timeout: .seconds(2))
        }
        client.disconnect()
    }

    private static func send(_ message: MQTTMessage, with client: MQTTClient, log: Console) {
        do { try client.publish(message) } catch { log.line("Cannot publish on \(message.topic): \(error)") }
    }

    func health(_ status: String) -> String {
        "{\"status\":\"\(status)\",\"pid\":\(getpid()),\"time\":\(time(nil))}"
    }
}
