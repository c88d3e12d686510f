import TedgeDurableStore
import TedgeMessaging
import TedgeSystem

/// The built-in bridge's retained service messages on the local broker: its health (`BridgeService`) and the
/// store's figures.
public struct BridgeStatus: Sendable {
    public let service: BridgeService

    public init(cloudID: String) { service = BridgeService(cloudID: cloudID) }

    public func health(up: Bool) -> MQTTMessage { service.health(up: up) }

    /// The store's figures as JSON: what is queued, the oldest's age, what the limits dropped, and when the cloud
    /// last acknowledged (Unix seconds).
    public func metrics(_ figures: StoreMetrics, cloudConnected: Bool) -> MQTTMessage {
        func number(_ value: Int64?) -> String { value.map(String.init) ?? "null" }
        let text =
            "{\"queued_messages\":\(figures.queued.messages),\"queued_bytes\":\(figures.queued.bytes),"
            + "\"oldest_age_seconds\":\(number(figures.oldestAgeSeconds)),"
            + "\"dropped_messages\":\(figures.dropped.messages),\"dropped_bytes\":\(figures.dropped.bytes),"
            + "\"expired_messages\":\(figures.expired.messages),\"expired_bytes\":\(figures.expired.bytes),"
            + "\"last_cloud_ack\":\(number(figures.lastRemovalAt.map { $0 / 1000 })),"
            + "\"cloud_connected\":\(cloudConnected)}"
        return MQTTMessage(topic: service.metricsTopic, text: text, qos: .atLeastOnce, retain: true)
    }
}
