import TedgeFlows
import Testing

/// The flow file format: inputs, outputs, errors, params, names, disabled files, loops.
@Suite struct FlowFileTests {
    @Test func paramsAreSubstitutedInTopicsConfigAndIntervalsWithTheTemplateOverlaid() {
        let directory = FlowsDirectory()
        directory.write("sensors/params.toml.template", "topic.in = \"default/in\"\nunit = \"K\"\nlimit = 1\n")
        directory.write("sensors/params.toml", "unit = \"°C\"\nchild = \"child-xyz\"\nlimits = { max = 30 }\n")
        directory.write(
            "sensors/flow.toml",
            """
            input.mqtt.topics = ["${params.topic.in}", "te/device/${params.child}///m/+"]
            steps = [{ script = "show.lua", config = { unit = "${params.unit}", max = "${params.limits.max}", label = "max ${params.limits.max} ${params.unit}", device = "${mapper.device.id}", gone = "${params.nothing}" } }]
            output.mqtt.topic = "out/${params.child}"
            """)
        directory.write(
            "sensors/show.lua",
            "function onMessage(m, c) return { topic = 'x', payload = json.encode(c.config) } end")
        let (engine, started) = directory.engine(mapperParams: ["device.id": "my-device"])
        #expect(engine.brokenFlows.isEmpty)
        #expect(started.log == ["Unknown parameter: ${params.nothing}"])
        #expect(engine.flows.map(\.name) == ["sensors"])
        #expect(engine.flows.first?.inputs.map(\.text) == ["default/in", "te/device/child-xyz///m/+"])
        let output = engine.process("te/device/child-xyz///m/env", "{}")
        #expect(output.messages.map(\.topic) == ["out/child-xyz"])
        #expect(
            output.messages.map(\.payloadText) == [
                #"{"device":"my-device","gone":null,"interval":1,"label":"max 30 °C","max":30,"unit":"°C"}"#
            ])
        #expect(engine.process("default/in", "{}").messages.count == 1)
    }

    @Test func disabledFilesParamsFilesAndNamesFromPaths() {
        let directory = FlowsDirectory()
        let flow = "input.mqtt.topics = [\"a\"]\n"
        directory.write("one.toml", flow)
        directory.write("two.toml.disabled", flow)
        directory.write("params.toml", "x = 1\n")
        directory.write("nested/flow.toml", flow)
        directory.write("nested/deeper/three.toml", flow)
        let (engine, started) = directory.engine()
        #expect(engine.flows.map(\.name) == ["nested/deeper/three", "nested", "one"])
        #expect(started.statuses.map(\.state) == [.enabled, .enabled, .enabled])
        #expect(started.statuses.map(\.path) == engine.flows.map(\.path))
    }

    @Test func outputsGoOnTheirOwnTopicOrTheOutputTopicAndErrorsDefaultToTeError() {
        let directory = FlowsDirectory()
        directory.write(
            "own.toml",
            "input.mqtt.topics = [\"in/#\"]\nsteps = [{ builtin = \"set-topic\", config = { topic = \"own/out\" } }]\n")
        directory.write(
            "forced.toml",
            "input.mqtt.topics = [\"in/#\"]\n[output.mqtt]\ntopic = \"forced/out\"\n[errors.mqtt]\ntopic = \"my/errors\"\n")
        let (engine, _) = directory.engine()
        #expect(engine.process("in/x", "p").messages.map(\.topic) == ["forced/out", "own/out"])
        #expect(engine.flows.map(\.errorsTopic) == ["my/errors", "te/error"])
    }

    @Test func aMessageBackOnTheFlowsOwnInputIsDroppedUnlessALoopIsExpected() {
        let directory = FlowsDirectory()
        directory.write(
            "loop.toml",
            "input.mqtt.topics = [\"in/#\"]\nsteps = [{ builtin = \"set-topic\", config = { topic = \"in/again\" } }]\n")
        directory.write(
            "expected.toml",
            "expect_loop = true\ninput.mqtt.topics = [\"in/#\"]\nsteps = [{ builtin = \"set-topic\", config = { topic = \"in/too\" } }]\n"
        )
        let (engine, _) = directory.engine()
        let output = engine.process("in/x", "p")
        #expect(output.messages.map(\.topic) == ["in/too"])
        #expect(output.log == ["Flow 'loop' is dropping output message to 'in/again' to prevent an infinite loop"])
    }

    @Test(arguments: [
        (
            "input.mqtt.topics = [\"a/#\"]\noutput.mqtt.topic = \"a/b\"\n",
            "Flow 'f' defines an infinite loop: the output topic 'a/b' matches input filter 'a/#'"
        ),
        ("steps = []\n", "Flow 'f' must define at least one input"),
        ("input.mqtt.topics = [\"a/#/b\"]\n", "Not a valid MQTT topic filter: a/#/b"),
        ("input.mqtt.topics = [\"a\"]\noutput.mqtt.topic = \"b/+\"\n", "Not a valid MQTT topic: b/+"),
        ("input.mqtt.topics = \"a\"\n", "invalid type for `input.mqtt.topics`: expected an array of strings (line 1)"),
        (
            "input.mqtt.topics = [\"a\"]\nsteps = [{ builtin = \"x\", script = \"y\" }]\n",
            "step 1 must have either `builtin` or `script`"
        ),
        (
            "input.mqtt.topics = [\"a\"]\nsteps = [{ builtin = \"set-topic\", interval = \"soon\", config = { topic = \"b\" } }]\n",
            "Not a valid interval duration: soon"
        ),
        ("input.mqtt.topics = [\n", "unterminated array at line 2 column 1"),
        ("[input.file]\npath = \"/var/log/x\"\n", "file and process inputs are not supported"),
    ])
    func brokenFlowsSayWhy(text: String, error: String) {
        let directory = FlowsDirectory()
        directory.write("f.toml", text)
        let (engine, started) = directory.engine()
        #expect(engine.flows.isEmpty)
        #expect(engine.brokenFlows.map(\.error.description) == [error])
        #expect(started.statuses.isEmpty)
        #expect(started.log == ["Failed to load flow \(directory.file("f.toml")): \(error)"])
    }

    @Test func aStepGetsTheFlowsSharedConfigAndItsIntervalInSeconds() {
        let directory = FlowsDirectory()
        directory.write(
            "c.lua",
            "function onMessage(m, c) return { topic = 'c', payload = json.encode(c.config) } end\nfunction onInterval() end")
        directory.write(
            "c.toml",
            "config = { shared = 1, own = 0 }\ninput.mqtt.topics = [\"in\"]\nsteps = [{ script = \"c.lua\", interval = \"1m 30s\", config = { own = 2 } }]\n"
        )
        let (engine, _) = directory.engine()
        #expect(engine.process("in", "").messages.map(\.payloadText) == [#"{"interval":90,"own":2,"shared":1}"#])
    }

    @Test func statusPayloadsAreThinEdgesJSON() {
        let status = FlowStatus(path: "/etc/tedge/mappers/az/flows/mea.toml", state: .updated, time: 1_763_050_414)
        #expect(status.payload == #"{"flow":"/etc/tedge/mappers/az/flows/mea.toml","status":"updated","time":1763050414}"#)
        #expect(
            status.message(service: "te/device/main/service/tedge-mapper-az").topic
                == "te/device/main/service/tedge-mapper-az/status/flows")
    }
}
