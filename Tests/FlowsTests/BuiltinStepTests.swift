import TedgeFlows
import Testing

/// Each builtin step through a flow file, with thin-edge's semantics and texts.
@Suite struct BuiltinStepTests {
    /// One flow of `steps`; its outputs may land on its own inputs (`expect_loop`), so they are not dropped.
    func engine(steps: String, input: String = "[\"in/#\"]", output: String = "") -> FlowEngine {
        let directory = FlowsDirectory()
        directory.write("flow.toml", "expect_loop = true\ninput.mqtt.topics = \(input)\nsteps = [\n\(steps)\n]\n\(output)")
        let (engine, started) = directory.engine()
        #expect(engine.brokenFlows.isEmpty, "\(started.log)")
        // Loaded, the engine reads no file until a reload: the directory may go.
        return engine
    }

    @Test func addTimestampAddsUnixOrRFC3339AndSortsKeysAsThinEdgesSerdeDoes() {
        let unix = engine(steps: #"{ builtin = "add-timestamp", config = { property = "time", format = "unix" } }"#)
        #expect(unix.process("in/a", "{}").messages.map(\.payloadText) == [#"{"time":1763050414.0}"#])
        #expect(
            unix.process("in/a", #"{"z": 1, "a": [2, 1.50]}"#).messages.map(\.payloadText) == [
                #"{"a":[2,1.5],"time":1763050414.0,"z":1}"#
            ])
        let rfc = engine(steps: #"{ builtin = "add-timestamp", config = { format = "rfc-3339" } }"#)
        #expect(rfc.process("in/a", "{}").messages.map(\.payloadText) == [#"{"time":"2025-11-13T16:13:34Z"}"#])
    }

    @Test func addTimestampReformatsOnlyWhenAskedAndPassesWhatIsNotAnObject() {
        let reformat = engine(
            steps: #"{ builtin = "add-timestamp", config = { property = "time", format = "rfc-3339", reformat = true } }"#)
        #expect(
            reformat.process("in/a", #"{"time":1765555467}"#).messages.map(\.payloadText) == [#"{"time":"2025-12-12T16:04:27Z"}"#]
        )
        #expect(reformat.process("in/a", "not json").messages.map(\.payloadText) == ["not json"])
        #expect(reformat.process("in/a", "[1]").messages.map(\.payloadText) == ["[1]"])
        let failed = reformat.process("in/a", #"{"time":true}"#)
        #expect(failed.messages.isEmpty)
        #expect(
            failed.errors.map(\.payloadText).first?.hasSuffix(
                "Input message cannot be processed: Failed to format message timestamp as rfc-3339") == true)
        let keep = engine(steps: #"{ builtin = "add-timestamp", config = { property = "ts" } }"#)
        #expect(keep.process("in/a", #"{"ts":"yesterday"}"#).messages.map(\.payloadText) == [#"{"ts":"yesterday"}"#])
    }

    @Test func setTopicAndItsMissingTopic() {
        let flow = engine(steps: #"{ builtin = "set-topic", config = { topic = "out/x" } }"#)
        let output = flow.process("in/a", "p")
        #expect(output.messages.map(\.topic) == ["out/x"])
        let directory = FlowsDirectory()
        directory.write("flow.toml", "input.mqtt.topics = [\"in/#\"]\nsteps = [{ builtin = \"set-topic\" }]\n")
        let (broken, started) = directory.engine()
        #expect(
            broken.brokenFlows.map(\.error.description) == [
                "Not a valid step configuration: No topic configured for set-topic step"
            ])
        #expect(
            started.log == [
                "Failed to load flow \(directory.file("flow.toml")): Not a valid step configuration: No topic configured for set-topic step"
            ])
    }

    @Test func limitPayloadSizeCountsTheWholePacket() {
        // "in/a" + "12345678": 1 + 1 + (2 + 4 + 2 + 8) = 18 bytes at QoS 1.
        let flow = engine(
            steps: #"{ builtin = "limit-payload-size", config = { max_size = 17 } }"#,
            output: "errors.mqtt.topic = \"te/errors\"\n")
        let refused = flow.process("in/a", "12345678")
        #expect(refused.messages.isEmpty)
        #expect(refused.errors.map(\.topic) == ["te/errors"])
        #expect(
            refused.errors.first?.payloadText.hasSuffix(": Input message cannot be processed: Payload is too large >17") == true)
        #expect(refused.errors.first?.payloadText.hasPrefix("Error in /") == true)
        #expect(flow.process("in/a", "1234567").messages.count == 1)
        let discard = engine(steps: #"{ builtin = "limit-payload-size", config = { max_size = 17, discard = true } }"#)
        let dropped = discard.process("in/a", "12345678")
        #expect(dropped.messages.isEmpty && dropped.errors.isEmpty)
    }

    @Test func ignoreTopics() {
        let flow = engine(steps: #"{ builtin = "ignore-topics", config = { topics = ["in/skip/#", "in/+/quiet"] } }"#)
        #expect(flow.process("in/skip/x", "p").messages.isEmpty)
        #expect(flow.process("in/a/quiet", "p").messages.isEmpty)
        #expect(flow.process("in/a/loud", "p").messages.count == 1)
    }

    @Test func skipMosquittoHealthStatusDropsOnlyTheBridgesZeroAndOne() {
        let flow = engine(
            steps: #"{ builtin = "skip-mosquitto-health-status" }"#, input: "[\"te/#\"]", output: "output.mqtt.topic = \"out\"\n")
        #expect(flow.process("te/device/main/service/mosquitto-c8y-bridge/status/health", "1").messages.isEmpty)
        #expect(flow.process("te/device/main/service/mosquitto-aws-bridge/status/health", "0").messages.isEmpty)
        #expect(flow.process("te/device/main/service/x/status/health", #"{"status":"up"}"#).messages.count == 1)
        #expect(flow.process("te/device/main///m/", "1").messages.count == 1)
    }

    @Test func setAwsTopicNamesTheEntityInOneLevel() {
        let flow = engine(steps: #"{ builtin = "set-aws-topic", config = { prefix = "aws" } }"#, input: "[\"te/#\"]")
        #expect(
            flow.process("te/device/child/service/child_service/m/test_type", "{}").messages.map(\.topic)
                == ["aws/td/device:child:service:child_service/m/test_type"])
        #expect(flow.process("te/device/main///a/alarm_type", "{}").messages.map(\.topic) == ["aws/td/device:main/a/alarm_type"])
        #expect(
            flow.process("te/device/main/service/s/status/health", "{}").messages.map(\.topic) == [
                "aws/td/device:main:service:s/status/health"
            ])
        #expect(flow.process("te/device/main///twin/x", "{}").messages.isEmpty)
    }

    @Test func updateContextStoresJSONUnderTheTopicAndEmptyRemovesIt() {
        let flow = engine(
            steps: #"{ builtin = "update-context", config = { topics = ["units/#"] } }"#, input: "[\"#\"]",
            output: "output.mqtt.topic = \"out\"\n")
        #expect(flow.process("units/temperature", #""°C""#).messages.isEmpty)
        #expect(flow.context.value("units/temperature") == .string("°C"))
        #expect(flow.process("units/temperature", "").messages.isEmpty)
        #expect(flow.context.value("units/temperature") == nil)
        #expect(flow.process("must/not/be/stored", "Garbage").messages.count == 1)
        let refused = flow.process("units/x", "not json")
        #expect(
            refused.errors.first?.payloadText.hasSuffix(
                "Input message cannot be processed: Failed to update the context: not a JSON payload") == true)
        #expect(refused.errors.first?.topic == "te/error")
    }

    @Test func unknownBuiltinAndBadConfiguration() {
        let directory = FlowsDirectory()
        directory.write("a.toml", "input.mqtt.topics = [\"x\"]\nsteps = [{ builtin = \"no-such-step\" }]\n")
        directory.write(
            "b.toml", "input.mqtt.topics = [\"x\"]\nsteps = [{ builtin = \"add-timestamp\", config = { format = \"iso\" } }]\n")
        directory.write(
            "c.toml",
            "input.mqtt.topics = [\"x\"]\nsteps = [{ builtin = \"ignore-topics\", config = { topics = [\"a/#/b\"] } }]\n")
        let (engine, _) = directory.engine()
        #expect(
            engine.brokenFlows.map(\.error.description) == [
                "Builtin transformer not found: no-such-step", "Not a valid step configuration: Unknown time format: iso",
                "Not a valid MQTT topic filter: a/#/b",
            ])
    }
}
