import ArgumentParser
import Glibc
import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

struct MqttPublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pub", abstract: "Publish a MQTT message on a topic.")

    @Argument(help: "Topic to publish")
    var topic: String

    @Argument(help: "Message to publish")
    var message: String

    @OptionGroup var qosOption: QoSOption

    @Flag(name: [.short, .long], help: "Retain flag")
    var retain = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let qos: MQTTQoS
        do { qos = try qosOption.resolve() } catch {
            throw CommandFailure("publish the message \"\(message)\" on the topic \"\(topic)\".", cause: error)
        }
        let action = "publish the message \"\(message)\" on the topic \"\(topic)\" with QoS \"\(qos.name)\"."
        do {
            if topic.isEmpty || topic.contains("+") || topic.contains("#") {
                throw TedgeError("Invalid topic '\(topic)': publish to a topic name, without the wildcards + and #")
            }
            let config = try global.store.load()
            let client = try MQTTClient(
                .init(
                    port: config.mqttPort,
                    clientID: "tedge-pub-\(getpid())", cleanSession: true))
            defer { client.disconnect() }
            do {
                try client.connect()
                try await client.waitUntilConnected(timeout: .seconds(10))
            } catch let error as MQTTError {
                throw error.withHint
            }
            let mid = try client.publish(MQTTMessage(topic: topic, text: message, qos: qos, retain: retain))
            do {
                try await client.waitForDelivery(of: mid, timeout: .seconds(10))
            } catch {
                Console.standardError.line(
                    qos == .atMostOnce
                        ? "ERROR: the message has not been published" : "ERROR: the message has not been acknowledged")
                throw error
            }
        } catch {
            throw CommandFailure(action, cause: error)
        }
    }
}
