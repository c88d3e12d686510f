import Glibc
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
}
