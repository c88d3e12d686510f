import TedgeMosquitto
import TedgeProviderAPI

/// A mapper's health contract: a retained JSON message on `tedge/health/<service>` whose `status` is
/// `"up"` once the mapper serves its subscriptions (and `"down"` as its will). `tedge connect` waits
/// for it, so what follows talks to a mapper that is really listening.
public struct MapperHealth: Sendable {
    public let serviceName: String

    public init(serviceName: String) { self.serviceName = serviceName }

    public var topic: String { "tedge/health/\(serviceName)" }

    /// True for `{"status":"up",...}`. When the payload carries `time` as Unix seconds, it must not be
    /// older than `notBefore`: a retained `up` left by an earlier run is not this run's answer.
    public static func isUp(_ payload: [UInt8], notBefore: Int? = nil) -> Bool {
        guard case .success(.object(let members)) = JSONText.parse(payload),
            members.contains(where: { $0.key == "status" && $0.value == .string("up") })
        else { return false }
        guard let notBefore, let time = members.first(where: { $0.key == "time" })?.value else { return true }
        switch time {
        case .integer(let seconds): return seconds >= Int64(notBefore)
        case .real(let seconds): return seconds >= Double(notBefore)
        default: return true  // another time format: the contract is the status
        }
    }

    /// Waits on the local broker for the `up` message; false when it does not come within `timeout`
    /// or the broker cannot be reached.
    public func waitUntilUp(port: Int, timeout: Duration, notBefore: Int? = nil) async -> Bool {
        guard let client = try? MQTTClient(.init(host: "localhost", port: port, clientID: "tedge-health-\(serviceName)"))
        else { return false }
        defer { client.disconnect() }
        let inbox = MessageInbox(client)
        let deadline = ContinuousClock.now + timeout
        do {
            try client.subscribe(topic, qos: .atLeastOnce)
            try client.connect()
            try await client.waitUntilSubscribed(timeout: timeout)
        } catch { return false }
        while ContinuousClock.now < deadline {
            guard let message = await inbox.next(timeout: deadline - ContinuousClock.now) else { return false }
            if Self.isUp(message.payload, notBefore: notBefore) { return true }
        }
        return false
    }
}
