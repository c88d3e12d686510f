import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

/// `tedge connect` with `mqtt.bridge.built_in = true`: no mosquitto bridge file (a stale one is removed); a marker
/// file records the connection instead (`<config-dir>/built-in-bridge/<cloud>`, which mosquitto does not read),
/// and the check waits for the mapper's bridge to report both halves connected before it publishes.
struct BuiltInBridgeConnection: Sendable {
    let provider: any CloudProvider
    let configDirectory: String

    static func isEnabled(_ config: TedgeConfig) -> Bool { config.flag(BridgeConfigKeys.builtIn) }

    /// The transcript line that replaces "Successfully created bridge connection!".
    var transcriptLine: String { "Bridge: built into \(provider.mapperServiceName); no mosquitto bridge file written." }

    var markerPath: String { FileSystem.join(FileSystem.join(configDirectory, "built-in-bridge"), provider.id) }
    var service: BridgeService { BridgeService(cloudID: provider.id) }

    /// Records the connection: what the mapper will bridge, for a person reading the device.
    func writeMarker(_ description: BridgeDescription) throws {
        try FileSystem.createDirectories(FileSystem.directory(of: markerPath))
        let lines =
            ["# tedge connect \(provider.id): bridged by \(provider.mapperServiceName) (mqtt.bridge.built_in = true)"]
            + ["remote \(description.address) client_id \(description.remoteClientID) clean_session \(description.cleanSession)"]
            + description.topics.map(\.line)
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: markerPath, mode: 0o644, placement: .replace)
    }

    /// Waits for the retained `{"status":"up"}`; nil when it came, otherwise why not as far as the bridge said
    /// (its metrics' `cloud_error`: a refusing cloud or proxy), or an empty reason when it said nothing.
    func waitUntilUp(port: Int, timeout: Duration) async -> String? {
        guard let client = try? MQTTClient(.init(host: "localhost", port: port, clientID: "tedge-health-\(service.serviceName)"))
        else { return "" }
        defer { client.disconnect() }
        let inbox = MessageInbox(client)
        let deadline = ContinuousClock.now + timeout
        do {
            try client.subscribe(service.healthTopic, qos: .atLeastOnce)
            try client.subscribe(service.metricsTopic, qos: .atLeastOnce)
            try client.connect()
            try await client.waitUntilSubscribed(timeout: timeout)
        } catch { return "" }
        var cloudError = ""
        while ContinuousClock.now < deadline {
            guard let message = await inbox.next(timeout: deadline - ContinuousClock.now) else { break }
            if message.topic == service.healthTopic {
                if BridgeService.isUp(message.payload) { return nil }
            } else if case .success(.object(let members)) = JSONText.parse(message.payload),
                case .string(let reason)? = members.first(where: { $0.key == "cloud_error" })?.value
            {
                cloudError = reason
            }
        }
        return cloudError
    }
}
