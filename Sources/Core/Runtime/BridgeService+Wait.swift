import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

extension BridgeService {
    /// Waits on the local broker for the built-in bridge's retained `{"status":"up"}` (both halves connected);
    /// false when it does not come within `timeout` or the broker cannot be reached.
    public func waitUntilUp(port: Int, timeout: Duration) async -> Bool {
        guard let client = try? MQTTClient(.init(host: "localhost", port: port, clientID: "tedge-health-\(serviceName)"))
        else { return false }
        defer { client.disconnect() }
        let inbox = MessageInbox(client)
        let deadline = ContinuousClock.now + timeout
        do {
            try client.subscribe(healthTopic, qos: .atLeastOnce)
            try client.connect()
            try await client.waitUntilSubscribed(timeout: timeout)
        } catch { return false }
        while ContinuousClock.now < deadline {
            guard let message = await inbox.next(timeout: deadline - ContinuousClock.now) else { return false }
            if Self.isUp(message.payload) { return true }
        }
        return false
    }
}
