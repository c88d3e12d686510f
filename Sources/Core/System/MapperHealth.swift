import Glibc
import TedgeProviderAPI

/// A mapper's health contract, written by the mapper and read by `tedge connect` and the tests: a
/// retained `{"status":"up"|"down","pid":N,"time":T}`, `up` once the mapper serves its subscriptions, `down`
/// after its drain and as its will. The mapper says it twice: on the legacy `tedge/health/<service>` and, in
/// thin-edge 1.x's words (`ServiceHealth`), on `te/<device>/service/<service>/status/health`.
public struct MapperHealth: Sendable {
    public let serviceName: String
    /// Where the `up` is awaited.
    public let topic: String

    /// The legacy topic, `tedge/health/<service>`.
    public init(serviceName: String) {
        self.serviceName = serviceName
        topic = "tedge/health/\(serviceName)"
    }

    /// The `te/` topic of the service on this device (`mqtt.topic_root`, `mqtt.device_topic_id`).
    public init(serviceName: String, config: TedgeConfig) throws(EntityTopicID.ParseError) {
        self.serviceName = serviceName
        topic = try ServiceHealth(schema: config.topicSchema, device: config.deviceTopicID, name: serviceName).topic
    }

    /// This process's legacy health message on `tedge/health/<service>` (retained, QoS 1).
    public func message(_ status: String) -> MQTTMessage {
        MQTTMessage(
            topic: "tedge/health/\(serviceName)",
            text: "{\"status\":\"\(status)\",\"pid\":\(getpid()),\"time\":\(time(nil))}", qos: .atLeastOnce, retain: true)
    }

    /// True for `{"status":"up",...}`. When the payload carries `time` as Unix seconds, it must not be
    /// older than `notBefore`: a retained `up` left by an earlier run is not this run's answer. With
    /// `pid`, only that process's `up` counts.
    public static func isUp(_ payload: [UInt8], notBefore: Int? = nil, pid: Int32? = nil) -> Bool {
        guard case .success(.object(let members)) = JSONText.parse(payload),
            members.contains(where: { $0.key == "status" && $0.value == .string("up") })
        else { return false }
        if let pid, !members.contains(where: { $0.key == "pid" && $0.value == .integer(Int64(pid)) }) { return false }
        guard let notBefore, let time = members.first(where: { $0.key == "time" })?.value else { return true }
        switch time {
        case .integer(let seconds): return seconds >= Int64(notBefore)
        case .real(let seconds): return seconds >= Double(notBefore)
        default: return true  // another time format: the contract is the status
        }
    }
}
