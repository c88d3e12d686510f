import TedgeMessaging
import TedgeThinEdgeJSON
import TedgeTopics
import Testing

/// `unix` / `rfc-3339` times as thin-edge writes and reformats them, and the `te/` service health messages.
@Suite struct TimeAndHealthTests {
    @Test func formatsParseAsThinEdgeAcceptsThem() {
        #expect(TimeFormat(parsing: "unix") == .unix)
        #expect(TimeFormat(parsing: "rfc-3339") == .rfc3339 && TimeFormat(parsing: "rfc3339") == .rfc3339)
        #expect(TimeFormat(parsing: "iso8601") == nil)
        #expect(TimeFormat.invalidValueText("iso8601") == "Failed to parse flag: iso8601. Supported values are: 'rfc-3339' or 'unix'")
    }

    @Test func reformatting() {
        // Robot test azure_telemetry.robot: 1768404563.338 in rfc-3339.
        #expect(TimeFormat.rfc3339.reformat(.real(1768404563.338)) == .string("2026-01-14T15:29:23.338Z"))
        #expect(TimeFormat.rfc3339.reformat(.integer(1694586060)) == .string("2023-09-13T06:21:00Z"))
        #expect(TimeFormat.rfc3339.reformat(.string("not a time")) == .string("not a time"), "strings stay in rfc-3339")
        #expect(TimeFormat.unix.reformat(.integer(5)) == .integer(5), "numbers stay in unix")
        #expect(TimeFormat.unix.reformat(.string("2021-04-08T00:00:00+05:00")) == .real(1617822000))
        // Nanoseconds / 1e9 in floating point, as thin-edge computes it (so not always the shortest decimal).
        #expect(TimeFormat.unix.reformat(.string("2026-01-14T15:29:23.338Z")) == .real(Double(1_768_404_563_338_000_000) / 1e9))
        #expect(TimeFormat.unix.reformat(.string("yesterday")) == nil)
        #expect(TimeFormat.unix.reformat(.boolean(true)) == nil)
        #expect(TimeFormat.rfc3339.reformat(.integer(Int64.max)) == nil)
        #expect(TimeFormat.rfc3339.reformat(.real(-1.5)) == .string("1969-12-31T23:59:58.5Z"))
        #expect(UnixTime(rfc3339: "1970-01-01T00:00:00Z") == UnixTime(seconds: 0))
        #expect(UnixTime(seconds: 951_782_400)?.rfc3339 == "2000-02-29T00:00:00Z")
    }

    @Test func healthMessagesOfAMapper() throws {
        let health = try ServiceHealth(name: "tedge-mapper-az")
        #expect(health.topic == "te/device/main/service/tedge-mapper-az/status/health")
        #expect(
            health.registration.message(in: TopicSchema()).text
                == #"{"@parent":"device/main//","@type":"service","name":"tedge-mapper-az","type":"service"}"#)
        let up = health.up(pid: 42, at: UnixTime(seconds: 1_714_676_361, nanoseconds: 500_000_000)!)
        #expect(up.text == #"{"pid":42,"status":"up","time":1714676361.5}"#)
        #expect(up.retain && up.qos == .atLeastOnce)
        #expect(health.down(pid: 42).text == #"{"pid":42,"status":"down"}"#)
        #expect(
            health.healthCheckTopics == [
                "te/device/main/service/tedge-mapper-az/cmd/health/check", "te/device/main///cmd/health/check",
            ])
        let child = try ServiceHealth(
            schema: TopicSchema(root: "x"), device: EntityTopicID("device/child_001//"), name: "tedge-mapper-aws",
            serviceType: "systemd", timeFormat: .rfc3339)
        #expect(child.topic == "x/device/child_001/service/tedge-mapper-aws/status/health")
        #expect(child.up(pid: 1, at: UnixTime(seconds: 0)!).text == #"{"pid":1,"status":"up","time":"1970-01-01T00:00:00Z"}"#)
    }

    @Test func statusOfOthers() throws {
        let bridge = try EntityTopicID("device/main/service/mosquitto-c8y-bridge")
        let mapper = try EntityTopicID("device/main/service/tedge-mapper-c8y")
        #expect(ServiceHealth.status(of: Array("1".utf8), service: bridge) == "up")
        #expect(ServiceHealth.status(of: Array("0".utf8), service: bridge) == "down")
        #expect(ServiceHealth.status(of: Array("x".utf8), service: bridge) == "unknown")
        #expect(ServiceHealth.status(of: Array(#"{"pid":1234,"status":"up"}"#.utf8), service: mapper) == "up")
        #expect(ServiceHealth.status(of: Array(#"{"status":"foo"}"#.utf8), service: mapper) == "foo")
        for unknown in [#"{"pid":"123456"}"#, #"{"status":""}"#, "{}"] {
            #expect(ServiceHealth.status(of: Array(unknown.utf8), service: mapper) == "unknown")
        }
        #expect(ServiceHealth.isBridgeNotification(MQTTMessage(topic: "te/device/main/service/mosquitto-c8y-bridge/status/health", text: "1")))
        #expect(!ServiceHealth.isBridgeNotification(MQTTMessage(topic: "te/device/main/service/x/status/health", text: "{}")))
        #expect(!ServiceHealth.isBridgeNotification(MQTTMessage(topic: "te/device/main///m/x", text: "1")))
    }
}
