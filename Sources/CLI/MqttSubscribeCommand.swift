import ArgumentParser
import Glibc
import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

struct MqttSubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sub", abstract: "Subscribe a MQTT topic.")

    @Argument(help: "Topic to subscribe to")
    var topic: String

    @OptionGroup var qosOption: QoSOption

    @Flag(name: .customLong("no-topic"), help: "Avoid printing the message topics on the console")
    var hideTopic = false

    @OptionGroup var global: GlobalOptions

    /// Runs until killed; renews the subscription whenever the broker comes back.
    func run() async throws {
        let qos: MQTTQoS
        do { qos = try qosOption.resolve() } catch {
            throw CommandFailure("subscribe the topic \"\(topic)\".", cause: error)
        }
        let action = "subscribe the topic \"\(topic)\" with QoS \"\(qos.name)\"."
        let client: MQTTClient
        do {
            let config = try global.store.load()
            client = try MQTTClient(.init(port: config.mqttPort,
                                          clientID: "tedge-sub-\(getpid())", cleanSession: true))
            try client.subscribe(topic, qos: qos)
            do {
                try client.connect()
            } catch let error as MQTTError {
                throw error.withHint
            }
        } catch {
            throw CommandFailure(action, cause: error)
        }
        let events = Task {
            for await event in client.events {
                switch event {
                case .connected: Console.standardError.line("INFO: Connected")
                case .disconnected: Console.standardError.line("INFO: Disconnected")
                }
            }
        }
        defer { events.cancel() }
        for await message in client.messages {
            var payload = message.payload
            if payload.last == 0 { payload.removeLast() }
            guard let text = String(validating: payload, as: UTF8.self) else {
                Console.standardError.line("ERROR: invalid utf-8 sequence in the payload on topic \(message.topic)")
                continue
            }
            Console.standardOutput.line(hideTopic ? text : "[\(message.topic)] \(text)")
        }
    }
}
