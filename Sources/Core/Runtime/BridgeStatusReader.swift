import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

/// `tedge bridge status <cloud>`: the built-in bridge's retained health and store figures, read from the local
/// broker and printed one per line.
public struct BridgeStatusReader: Sendable {
    public let service: BridgeService
    public let port: Int

    public init(cloudID: String, port: Int) {
        service = BridgeService(cloudID: cloudID)
        self.port = port
    }

    /// The lines to print; throws when the bridge has published nothing (built_in off, or its mapper never ran).
    public func read(timeout: Duration = .seconds(2)) async throws -> [String] {
        let client = try MQTTClient(.init(host: "localhost", port: port, clientID: "tedge-bridge-status-\(service.cloudID)"))
        defer { client.disconnect() }
        let inbox = MessageInbox(client)
        try client.subscribe(service.healthTopic, qos: .atLeastOnce)
        try client.subscribe(service.metricsTopic, qos: .atLeastOnce)
        try client.connect()
        try await client.waitUntilSubscribed(timeout: timeout)
        var health: String?
        var metrics: [(key: String, value: JSONValue)] = []
        let deadline = ContinuousClock.now + timeout
        while health == nil || metrics.isEmpty, ContinuousClock.now < deadline {
            guard let message = await inbox.next(timeout: deadline - ContinuousClock.now) else { break }
            guard case .success(.object(let members)) = JSONText.parse(message.payload) else { continue }
            if message.topic == service.healthTopic {
                if case .string(let status)? = members.first(where: { $0.key == "status" })?.value { health = status }
            } else {
                metrics = members
            }
        }
        guard health != nil || !metrics.isEmpty else {
            throw TedgeError(
                "No status from \(service.serviceName) on the local broker: is mqtt.bridge.built_in true and tedge-mapper-\(service.cloudID) running?"
            )
        }
        func value(_ key: String) -> String {
            switch metrics.first(where: { $0.key == key })?.value {
            case .integer(let number)?: return String(number)
            case .boolean(let flag)?: return String(flag)
            case .string(let text)?: return text
            case .null?, nil: return "-"
            case let other?: return "\(other)"
            }
        }
        return [
            "Bridge: \(service.serviceName)",
            "Health: \(health ?? "unknown")",
            "Cloud connected: \(value("cloud_connected"))",
            "Cloud error: \(value("cloud_error"))",
            "Queued: \(value("queued_messages")) messages (\(value("queued_bytes")) bytes)",
            "Oldest queued: \(value("oldest_age_seconds")) s",
            "Dropped over max_size: \(value("dropped_messages")) messages (\(value("dropped_bytes")) bytes)",
            "Expired over max_age: \(value("expired_messages")) messages (\(value("expired_bytes")) bytes)",
            "Last cloud acknowledgement: \(value("last_cloud_ack")) (Unix seconds)",
        ]
    }
}
