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

    var markerPath: String { FileSystem.join(FileSystem.join(configDirectory, "built-in-bridge"), provider.connectionName) }
    var service: BridgeService { BridgeService(cloudID: provider.topicPrefix) }

    /// The marker's text: what the mapper will bridge, for a person reading the device.
    func markerText(_ description: BridgeDescription) -> String {
        let lines =
            ["# tedge connect \(provider.connectionName): bridged by \(provider.mapperServiceName) (mqtt.bridge.built_in = true)"]
            + ["remote \(description.address) client_id \(description.remoteClientID) clean_session \(description.cleanSession)"]
            + description.topics.map(\.line)
        return lines.joined(separator: "\n") + "\n"
    }
}
