import TedgeCloudSimulator
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

/// A cloud-side client of a running simulator: the commands that act as the IoT Hub service
/// (`monitor`, `twin`, `invoke`, `send`) talk to its backend broker.
struct CloudSide {
    let client: MQTTClient
    let inbox: MessageInbox

    static func connect(directory: String, name: String, subscribing filters: [String] = []) async throws -> CloudSide {
        guard let endpoint = SimulatorDirectory(path: directory).endpoint() else {
            throw TedgeError("The simulator in \(directory) is not running (no endpoint file)")
        }
        let client = try MQTTClient(
            .init(
                host: "127.0.0.1", port: endpoint.backendPort,
                clientID: "tedge-cloud-sim-\(name)-\(RequestID.make())", cleanSession: true))
        for filter in filters { try client.subscribe(filter, qos: .atLeastOnce) }
        let inbox = MessageInbox(client)
        try client.connect()
        if filters.isEmpty {
            try await client.waitUntilConnected(timeout: .seconds(10))
        } else {
            try await client.waitUntilSubscribed(timeout: .seconds(10))
        }
        return CloudSide(client: client, inbox: inbox)
    }

    func publish(_ topic: String, _ payload: String) async throws {
        let mid = try client.publish(MQTTMessage(topic: topic, text: payload, qos: .atLeastOnce))
        try await client.waitForDelivery(of: mid, timeout: .seconds(10))
    }
}
