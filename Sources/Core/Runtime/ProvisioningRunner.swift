import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

/// Runs a provider's `ProvisioningExchange`: an MQTT session over mutual TLS with the device
/// certificate, straight to the provisioning service (no bridge exists yet), driven by the judge.
public struct ProvisioningRunner: Sendable {
    public let certificatePath: String
    public let keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// The settings to store and the report line, or a `TedgeError` saying why there are none.
    public func run(_ exchange: ProvisioningExchange) async throws -> (settings: [String: String], report: String) {
        let tls = MQTTClient.TLSSettings(
            rootCertificatePath: exchange.rootCertificatePath,
            rootCertificateIsDirectory: FileSystem.isDirectory(exchange.rootCertificatePath),
            certificatePath: certificatePath, keyPath: keyPath)
        var configuration = MQTTClient.Configuration(
            host: exchange.endpoint.host, port: exchange.endpoint.port,
            clientID: exchange.clientID, cleanSession: true, keepAliveSeconds: 30)
        configuration.username = exchange.username
        configuration.tls = tls
        let client = try MQTTClient(configuration)
        defer { client.disconnect() }
        let inbox = MessageInbox(client)
        let deadline = ContinuousClock.now + exchange.timeout
        do {
            for filter in exchange.subscriptions { try client.subscribe(filter, qos: .atLeastOnce) }
            try client.connect()
            try await client.waitUntilSubscribed(timeout: min(exchange.timeout, .seconds(10)))
        } catch let error as MQTTError {
            // A CONNACK refusal is the service's verdict (Azure: an unknown id scope); anything else is the way there.
            let what = if case .refused = error { "refused the connection" } else { "cannot be reached" }
            throw CausedError(
                "The provisioning service at \(exchange.endpoint) \(what).\n\(exchange.troubleshooting)", underlying: error)
        }
        try client.publish(exchange.first)
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero, let answer = await inbox.next(timeout: remaining) else {
                throw TedgeError(
                    "No answer from the provisioning service at \(exchange.endpoint) within "
                        + "\(exchange.timeout.components.seconds) seconds.\n\(exchange.troubleshooting)")
            }
            switch exchange.judge(answer) {
            case .ignore:
                continue
            case .request(let next, let delay):
                guard ContinuousClock.now + delay < deadline else {
                    throw TedgeError(
                        "The provisioning service at \(exchange.endpoint) did not finish within "
                            + "\(exchange.timeout.components.seconds) seconds.")
                }
                try await Task.sleep(for: delay)
                try client.publish(next)
            case .provisioned(let settings, let report):
                return (settings, report)
            case .failed(let reason):
                throw TedgeError(reason)
            }
        }
    }
}
