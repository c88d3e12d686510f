import TedgeProviderAPI
import Testing

/// thin-edge 2.x's builtin `mea` steps for Azure and AWS (skip-mosquitto-health-status, add-timestamp with
/// reformat, limit-payload-size).
@Suite struct TelemetryPipelineTests {
    let now = UnixTime(seconds: 1_617_822_000)!

    func run(_ payload: String, format: TimeFormat = .rfc3339, add: Bool = true, max: Int = 1000, topic: String = "te/device/main///m/")
        -> Result<TelemetryPipeline.Output?, ConversionError>
    {
        let now = self.now
        return TelemetryPipeline(addTimestamp: add, timeFormat: format, maxPacketSize: max, clock: { now })
            .process(MQTTMessage(topic: topic, text: payload, qos: .atLeastOnce))
    }

    func text(_ result: Result<TelemetryPipeline.Output?, ConversionError>) -> String? {
        (try? result.get())??.payload.map { Character(UnicodeScalar($0)) }.map(String.init).joined()
    }

    @Test func timeIsAddedOrReformatted() {
        #expect(text(run(#"{"temperature": 23.0}"#)) == #"{"temperature":23.0,"time":"2021-04-07T19:00:00Z"}"#)
        #expect(text(run(#"{"temperature": 23.0}"#, format: .unix)) == #"{"temperature":23.0,"time":1617822000.0}"#)
        #expect(text(run(#"{"time": "2021-04-08T00:00:00+05:00", "b": 1, "a": {"y": 1, "x": 2}}"#)) == #"{"a":{"x":2,"y":1},"b":1,"time":"2021-04-08T00:00:00+05:00"}"#)
        #expect(text(run(#"{"temperature1":10, "time":1768404563.338 }"#)) == #"{"temperature1":10,"time":"2026-01-14T15:29:23.338Z"}"#)
        #expect(text(run(#"{"time": 1694586060}"#, format: .unix)) == #"{"time":1694586060}"#)
    }

    @Test func withoutTimestampsThePayloadIsUntouched() {
        #expect(text(run(#"{"b": 1,  "a": 2}"#, add: false)) == #"{"b": 1,  "a": 2}"#)
        #expect((try? run(#"{"b": 1}"#, add: false).get())??.isJSON == true)
    }

    @Test func nonObjectsPassUnchanged() {
        for payload in ["This is not Thin Edge JSON", "[1,2]", "\"up\"", "", "{"] {
            #expect(text(run(payload)) == payload)
        }
        #expect((try? run("nope").get())??.isJSON == false)
        #expect((try? run("[1]").get())??.isJSON == true)
    }

    @Test func errorsInThinEdgesWords() {
        #expect(throws: ConversionError("Input message cannot be processed: Failed to format message timestamp as unix")) {
            try run(#"{"time": "yesterday"}"#, format: .unix).get()
        }
        #expect(throws: ConversionError("Input message cannot be processed: Failed to format message timestamp as rfc-3339")) {
            try run(#"{"time": true}"#).get()
        }
        // The whole MQTT packet counts: 1 + 1 + 2 + topic + 2 + payload.
        let payload = "{}"
        let size = TelemetryPipeline.packetSize(topic: "te/device/main///m/", qos: .atLeastOnce, payloadBytes: 2)
        #expect(size == 4 + 19 + 2 + 2)
        #expect(text(run(payload, add: false, max: size)) == payload)
        #expect(throws: ConversionError("Input message cannot be processed: Payload is too large >26")) {
            try run(payload, add: false, max: size - 1).get()
        }
        #expect(TelemetryPipeline.packetSize(topic: "t", qos: .atMostOnce, payloadBytes: 200) == 1 + 2 + 3 + 200)
    }

    @Test func mosquittoBridgeNotificationsAreDropped() throws {
        #expect(try run("1", topic: "te/device/main/service/mosquitto-c8y-bridge/status/health").get() == nil)
        #expect(try run("0", topic: "te/device/main/service/mosquitto-aws-bridge/status/health").get() == nil)
        #expect(try run("1", topic: "te/device/main///m/x").get() != nil)
    }
}
