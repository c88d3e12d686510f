import Glibc
import TedgeProviderAPI
import TedgeSystem
import Testing

@Suite struct MapperHealthTests {
    @Test func upIsTheStatusField() {
        #expect(MapperHealth.isUp(Array(#"{"status":"up","pid":12,"time":1700000000}"#.utf8)))
        #expect(MapperHealth.isUp(Array(#"{"pid":12,"status":"up"}"#.utf8)))
        #expect(!MapperHealth.isUp(Array(#"{"status":"down","pid":12}"#.utf8)))
        #expect(!MapperHealth.isUp(Array("up".utf8)))
        #expect(!MapperHealth.isUp([]))
    }

    @Test func anUpOlderThanTheStartIsNotThisRunsAnswer() {
        let payload = Array(#"{"status":"up","time":1700000000}"#.utf8)
        #expect(MapperHealth.isUp(payload, notBefore: 1_700_000_000))
        #expect(!MapperHealth.isUp(payload, notBefore: 1_700_000_001))
        // A time in another format: the status alone decides.
        #expect(MapperHealth.isUp(Array(#"{"status":"up","time":"2023-11-14T22:13:20Z"}"#.utf8), notBefore: 1_800_000_000))
    }

    @Test func withAPidOnlyThatProcessCounts() {
        let payload = Array(#"{"status":"up","pid":12,"time":1700000000}"#.utf8)
        #expect(MapperHealth.isUp(payload, pid: 12))
        #expect(!MapperHealth.isUp(payload, pid: 13))
    }

    /// What the mapper publishes is what `isUp` reads.
    @Test func theMappersOwnMessageIsUnderstood() {
        let health = MapperHealth(serviceName: "tedge-mapper-az")
        let up = health.message("up")
        #expect(up.topic == health.topic && up.retain && up.qos == .atLeastOnce)
        #expect(MapperHealth.isUp(up.payload, pid: getpid()))
        #expect(!MapperHealth.isUp(health.message("down").payload))
    }

    @Test func topicFollowsTheServiceName() {
        #expect(MapperHealth(serviceName: "tedge-mapper-az").topic == "tedge/health/tedge-mapper-az")
    }

    /// `tedge connect` waits on the `te/` topic, under `mqtt.topic_root` and `mqtt.device_topic_id`; the te/ `up`
    /// (`ServiceHealth`) is understood too.
    @Test func theTeTopicAndMessage() throws {
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: []), directory: "/etc/tedge")
        let health = try MapperHealth(serviceName: "tedge-mapper-az", config: config)
        #expect(health.topic == "te/device/main/service/tedge-mapper-az/status/health")
        try config.set(CoreConfigKeys.topicRoot, to: "thin-edge")
        try config.set(CoreConfigKeys.deviceTopicID, to: "device/child_001//")
        #expect(
            try MapperHealth(serviceName: "tedge-mapper-az", config: config).topic
                == "thin-edge/device/child_001/service/tedge-mapper-az/status/health")
        let up = try ServiceHealth(name: "tedge-mapper-az").up(pid: 7, at: .now())
        #expect(MapperHealth.isUp(up.payload, notBefore: Int(time(nil)) - 5, pid: 7))
        #expect(!MapperHealth.isUp(try ServiceHealth(name: "tedge-mapper-az").down(pid: 7).payload))
    }
}
