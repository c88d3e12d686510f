import TedgeDurableStore
import TedgeMessaging
import TedgeSystem
import TedgeThinEdgeJSON

/// The built-in bridge's retained service messages on the local broker: its health (`BridgeService`) and the
/// store's figures.
public struct BridgeStatus: Sendable {
    public let service: BridgeService

    public init(cloudID: String) { service = BridgeService(cloudID: cloudID) }

    public func health(up: Bool) -> MQTTMessage { service.health(up: up) }

    /// The store's figures as JSON: what is queued, the oldest's age, what the limits dropped, and when the cloud
    /// last acknowledged (Unix seconds); while the cloud cannot be reached, why (`cloudError`: a refusal, a proxy's
    /// answer), so that `tedge bridge status` can say it.
    public func metrics(_ figures: StoreMetrics, cloudConnected: Bool, cloudError: String? = nil) -> MQTTMessage {
        func number(_ value: Int64?) -> String { value.map(String.init) ?? "null" }
        let text =
            "{\"queued_messages\":\(figures.queued.messages),\"queued_bytes\":\(figures.queued.bytes),"
            + "\"oldest_age_seconds\":\(number(figures.oldestAgeSeconds)),"
            + "\"dropped_messages\":\(figures.dropped.messages),\"dropped_bytes\":\(figures.dropped.bytes),"
            + "\"expired_messages\":\(figures.expired.messages),\"expired_bytes\":\(figures.expired.bytes),"
            + "\"last_cloud_ack\":\(number(figures.lastRemovalAt.map { $0 / 1000 })),"
            + "\"cloud_connected\":\(cloudConnected),\"cloud_error\":\(cloudError.map(JSONWriter.quoted) ?? "null")}"
        return MQTTMessage(topic: service.metricsTopic, text: text, qos: .atLeastOnce, retain: true)
    }
}
