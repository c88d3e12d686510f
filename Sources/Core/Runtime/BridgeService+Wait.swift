import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

extension BridgeService {
    /// Waits on the local broker for the built-in bridge's retained `{"status":"up"}` (both halves connected): nil
    /// when it came within `timeout`, otherwise why not as far as the bridge said (its metrics' `cloud_error`: a
    /// refusing cloud or proxy), or an empty reason when it said nothing or the broker cannot be reached.
    public func waitUntilUp(port: Int, timeout: Duration) async -> String? {
        guard let client = try? MQTTClient(.init(host: "localhost", port: port, clientID: "tedge-health-\(serviceName)"))
        else { return "" }
        defer { client.disconnect() }
        let inbox = MessageInbox(client)
        let deadline = ContinuousClock.now + timeout
        do {
            try client.subscribe(healthTopic, qos: .atLeastOnce)
            try client.subscribe(metricsTopic, qos: .atLeastOnce)
            try client.connect()
            try await client.waitUntilSubscribed(timeout: timeout)
        } catch { return "" }
        var cloudError = ""
        while ContinuousClock.now < deadline {
            guard let message = await inbox.next(timeout: deadline - ContinuousClock.now) else { break }
            if message.topic == healthTopic {
                if Self.isUp(message.payload) { return nil }
            } else if case .success(.object(let members)) = JSONText.parse(message.payload),
                case .string(let reason)? = members.first(where: { $0.key == "cloud_error" })?.value
            {
                cloudError = reason
            }
        }
        return cloudError
    }
}
