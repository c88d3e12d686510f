import TedgeMessaging
import TedgeThinEdgeJSON

/// A service's health on the `te/` topics: its registration, the retained `up` and `down` messages on
/// `<root>/<service>/status/health`, and the health-check requests it answers.
public struct ServiceHealth: Sendable {
    public let schema: TopicSchema
    /// The device the service runs on (`mqtt.device_topic_id`).
    public let device: EntityTopicID
    public let service: EntityTopicID
    public let name: String
    /// `service.type`.
    public let serviceType: String
    /// `service.timestamp_format`.
    public let timeFormat: TimeFormat

    /// The service `device/<d>/service/<name>` of `device`; for a device outside the default scheme, the
    /// service of the main device.
    public init(
        schema: TopicSchema = TopicSchema(), device: EntityTopicID = .mainDevice, name: String,
        serviceType: String = "service", timeFormat: TimeFormat = .unix
    ) throws(EntityTopicID.ParseError) {
        self.schema = schema
        self.device = device
        self.name = name
        self.serviceType = serviceType
        self.timeFormat = timeFormat
        if let own = device.defaultService(named: name) { service = own } else { service = try EntityTopicID.mainService(name) }
    }

    public var topic: String { schema.topic(for: service, .health) }

    /// `{"@parent":"<device>","@type":"service","name":"<name>","type":"<service.type>"}`, retained.
    public var registration: EntityRegistration {
        EntityRegistration(
            topicID: service, type: .service, parent: device, twinData: [("name", .string(name)), ("type", .string(serviceType))])
    }

    /// `{"pid":<pid>,"status":"up","time":<time>}`, retained, QoS 1.
    public func up(pid: Int32, at time: UnixTime) -> MQTTMessage {
        var members: [(key: String, value: JSONValue)] = [("pid", .integer(Int64(pid))), ("status", .string("up"))]
        if let stamp = timeFormat.json(time) { members.append(("time", stamp)) }
        return MQTTMessage(topic: topic, text: JSONText.serialize(.object(members)), qos: .atLeastOnce, retain: true)
    }

    /// `{"pid":<pid>,"status":"down"}`, retained, QoS 1: the last will and the message at a clean stop.
    public func down(pid: Int32) -> MQTTMessage {
        MQTTMessage(topic: topic, text: "{\"pid\":\(pid),\"status\":\"down\"}", qos: .atLeastOnce, retain: true)
    }

    /// `<root>/<service>/cmd/health/check` and the device-wide `<root>/<device>/cmd/health/check`: any message on
    /// them asks the service to publish `up` again.
    public var healthCheckTopics: [String] {
        let check = Channel.command(operation: .health, id: "check")
        return [schema.topic(for: service, check), schema.topic(for: device, check)]
    }

    /// Services named `mosquitto-*-bridge` report `1`/`0`: mosquitto's bridge notifications.
    public static func isMosquittoBridge(_ id: EntityTopicID) -> Bool {
        guard let name = id.defaultServiceName else { return false }
        return name.hasPrefix("mosquitto-") && name.hasSuffix("-bridge")
    }

    /// A `…/status/health` message (7 topic levels) whose payload is exactly `0` or `1`: mosquitto's bridge
    /// notification, which the Azure and AWS mappers drop (thin-edge #2236).
    public static func isBridgeNotification(_ message: MQTTMessage) -> Bool {
        let levels = message.topic.split(separator: "/", omittingEmptySubsequences: false)
        return levels.count == 7 && levels[5] == "status" && levels[6] == "health"
            && (message.payload == [UInt8(ascii: "0")] || message.payload == [UInt8(ascii: "1")])
    }

    /// The status a health message reports: `up`, `down`, another string as given, `unknown` when there is
    /// none (mosquitto bridges: `1` up, `0` down).
    public static func status(of payload: [UInt8], service: EntityTopicID) -> String {
        if isMosquittoBridge(service) {
            switch payload {
            case [UInt8(ascii: "1")]: return "up"
            case [UInt8(ascii: "0")]: return "down"
            default: return "unknown"
            }
        }
        guard case .success(.object(let members)) = JSONText.parse(payload),
            case .string(let status)? = members.first(where: { $0.key == "status" })?.value, !status.isEmpty
        else { return "unknown" }
        return status
    }
}
