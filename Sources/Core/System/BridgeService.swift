import TedgeProviderAPI

/// The built-in bridge's service contract, written by the mapper and read by `tedge connect` and
/// `tedge bridge status`: retained health `{"status":"up"}` / `{"status":"down"}` (thin-edge's exact payloads; up
/// only when both the local and the cloud session are connected; `down` as the will) and the store's figures.
public struct BridgeService: Sendable {
    public let cloudID: String

    public init(cloudID: String) { self.cloudID = cloudID }

    public var serviceName: String { "tedge-mapper-bridge-\(cloudID)" }
    public var healthTopic: String { "te/device/main/service/\(serviceName)/status/health" }
    public var metricsTopic: String { "te/device/main/service/\(serviceName)/status/metrics" }

    public func health(up: Bool) -> MQTTMessage {
        MQTTMessage(topic: healthTopic, text: up ? #"{"status":"up"}"# : #"{"status":"down"}"#, qos: .atLeastOnce, retain: true)
    }

    public static func isUp(_ payload: [UInt8]) -> Bool {
        guard case .success(.object(let members)) = JSONText.parse(payload) else { return false }
        return members.contains { $0.key == "status" && $0.value == .string("up") }
    }
}
