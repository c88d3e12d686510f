import TedgeTopics

extension TedgeConfig {
    /// The `te/` scheme under `mqtt.topic_root`.
    public var topicSchema: TopicSchema { TopicSchema(root: value(of: CoreConfigKeys.topicRoot) ?? TopicSchema.defaultRoot) }

    /// `mqtt.device_topic_id`: this device's entity (the main device unless thin-edge runs on a child device).
    public var deviceTopicID: EntityTopicID {
        value(of: CoreConfigKeys.deviceTopicID).flatMap { try? EntityTopicID($0) } ?? .mainDevice
    }

    /// A `unix` / `rfc-3339` key's value (`unix` when unset or unreadable).
    public func timeFormat(_ key: ConfigKey) -> TimeFormat { value(of: key).flatMap(TimeFormat.init(parsing:)) ?? .unix }

    /// A comma-separated list of topic filters (`az.topics`), blanks dropped.
    public func topicFilters(_ key: ConfigKey) -> [String] {
        (value(of: key) ?? "").split(separator: ",").map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
            .filter { !$0.isEmpty }
    }

    /// An empty entity store for this device: the scheme, and the device as its main device.
    public func entityStore(mainDeviceExternalID: String? = nil) -> EntityStore {
        EntityStore(schema: topicSchema, mainDevice: deviceTopicID, mainDeviceExternalID: mainDeviceExternalID)
    }

    /// Where a mosquitto bridge reports its state (`1`/`0`): the health topic of the service `<name>` of this device
    /// (`te/device/main/service/mosquitto-az-bridge/status/health`), as thin-edge 1.x names it.
    public func bridgeNotificationTopic(service name: String) -> String {
        let service = deviceTopicID.defaultService(named: name) ?? EntityTopicID.mainDevice.defaultService(named: name)!
        return topicSchema.topic(for: service, .health)
    }
}
