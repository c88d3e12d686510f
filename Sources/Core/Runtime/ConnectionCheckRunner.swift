import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

/// Runs a provider's `ConnectionCheck` through the local broker (and so through the bridge).
public struct ConnectionCheckRunner: Sendable {
    public enum Outcome: Equatable, Sendable {
        case success(attempt: Int)
        /// The cloud answered, but not with success.
        case rejected(String)
        /// Nothing came back in time.
        case noAnswer
    }

    public let host: String
    public let port: Int
    public let console: Console

    public init(host: String = "localhost", port: Int, console: Console) {
        self.host = host
        self.port = port
        self.console = console
    }

    /// Throws when the local broker itself cannot be used.
    public func run(_ check: ConnectionCheck, cloudName: String = "the cloud") async throws -> Outcome {
        let client = try MQTTClient(
            .init(host: host, port: port, clientID: check.clientID, cleanSession: true, keepAliveSeconds: 10))
        defer { client.disconnect() }
        do {
            try client.connect()
            for filter in check.subscriptions { try client.subscribe(filter, qos: .atLeastOnce) }
            try await client.waitUntilSubscribed(timeout: .seconds(10))
        } catch {
            console.line("Make sure mosquitto is running.")
            throw CausedError("Operation timed out. Is mosquitto running?", underlying: error)
        }
        let inbox = MessageInbox(client)
        for attempt in 1...max(1, check.attempts) {
            if check.attempts > 1 { console.line("Try \(attempt) / \(check.attempts): Sending a message to \(cloudName). ") }
            let mid = try client.publish(check.request)
            do {
                try await client.waitForDelivery(of: mid, timeout: .seconds(10))
            } catch {
                console.line("Local MQTT publish has timed out.")
                throw CausedError("Operation timed out. Is mosquitto running?", underlying: error)
            }
            let deadline = ContinuousClock.now + check.attemptTimeout
            while ContinuousClock.now < deadline {
                guard let answer = await inbox.next(timeout: deadline - ContinuousClock.now) else { break }
                switch check.judge(answer) {
                case .success: return .success(attempt: attempt)
                case .failure(let reason): return .rejected(reason)
                case .ignore: continue
                }
            }
            if check.attempts > 1 && attempt < check.attempts {
                console.line("... No response. If the device is new, it's normal to get no response in the first try.")
            }
        }
        return .noAnswer
    }
}
