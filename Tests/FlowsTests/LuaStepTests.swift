import TedgeFlows
import TedgeLua
import Testing

/// Script steps in Lua: the message and context shapes, results, stores, intervals, failures and limits.
@Suite struct LuaStepTests {
    /// One flow on `in/#` running `script.lua`, out on each message's own topic.
    func engine(_ script: String, config: String = "", limits: LuaLimits = LuaLimits(), extraFlows: [String: String] = [:])
        -> (FlowEngine, FlowsDirectory)
    {
        let directory = FlowsDirectory()
        directory.write("script.lua", script)
        let configText = config.isEmpty ? "" : ", config = { \(config) }"
        directory.write("flow.toml", "input.mqtt.topics = [\"in/#\"]\nsteps = [{ script = \"script.lua\"\(configText) }]\n")
        for (name, text) in extraFlows { directory.write(name, text) }
        let (engine, started) = directory.engine(limits: limits)
        #expect(engine.brokenFlows.isEmpty, "\(started.log)")
        return (engine, directory)
    }

    @Test func transformsAMessageThingsBoardStyle() {
        let (engine, _) = engine(
            """
            function onMessage(message, context)
                local data = json.decode(message.payload)
                local ts = math.floor(message.time * 1000)
                return { topic = context.config.topic, payload = json.encode({ ts = ts, values = data }) }
            end
            """, config: "topic = \"v1/devices/me/telemetry\"")
        let output = engine.process("in/m", #"{"temperature":21}"#)
        #expect(output.messages.map(\.topic) == ["v1/devices/me/telemetry"])
        #expect(output.messages.map(\.payloadText) == [#"{"ts":1763050414000,"values":{"temperature":21}}"#])
        #expect(output.errors.isEmpty)
    }

    @Test func fansOutAListAndDropsWithNil() {
        let (engine, _) = engine(
            """
            function onMessage(message)
                if message.payload == "drop" then return nil end
                local out = {}
                for key, value in pairs(json.decode(message.payload)) do
                    out[#out + 1] = { topic = "split/" .. key, payload = tostring(value), mqtt = { qos = 0, retain = true } }
                end
                table.sort(out, function(a, b) return a.topic < b.topic end)
                return out
            end
            """)
        let output = engine.process("in/m", #"{"b":2,"a":1}"#)
        #expect(output.messages.map(\.line) == ["[split/a] 1", "[split/b] 2"])
        #expect(output.messages.allSatisfy { $0.qos == .atMostOnce && $0.retain })
        #expect(engine.process("in/m", "drop").published.isEmpty)
        #expect(engine.process("in/m", "{}").published.isEmpty)
    }

    @Test func theMessageTableAsAScriptSeesIt() {
        let (engine, _) = engine(
            """
            function onMessage(message)
                return { topic = "seen", payload = string.format("%s|%s|%.3f|%d|%s", message.topic, message.payload,
                    message.time, message.mqtt.qos, tostring(message.mqtt.retain)) }
            end
            """)
        #expect(engine.process("in/x", "hello").messages.map(\.payloadText) == ["in/x|hello|1763050414.000|1|false"])
    }

    @Test func contextStoresPersistAcrossMessagesPerScopeAndSetNilRemoves() {
        let script = """
            function onMessage(message, context)
                if message.payload == "reset" then context.script:set("count", nil) return nil end
                local count = (context.script:get("count") or 0) + 1
                context.script:set("count", count)
                context.flow.set("last", message.topic)
                context.mapper.set("total", (context.mapper.get("total") or 0) + 1)
                return { topic = "count/" .. context.config.name,
                    payload = count .. " " .. context.mapper.get("total") .. " " .. #context.script.keys() }
            end
            """
        let (engine, directory) = engine(
            script, config: "name = \"one\"",
            extraFlows: [
                "second.toml":
                    "input.mqtt.topics = [\"in/#\"]\nsteps = [{ script = \"script.lua\", config = { name = \"two\" } }]\n"
            ])
        #expect(engine.process("in/a", "x").messages.map(\.line) == ["[count/one] 1 1 1", "[count/two] 1 2 1"])
        #expect(engine.process("in/b", "x").messages.map(\.line) == ["[count/one] 2 3 1", "[count/two] 2 4 1"])
        #expect(engine.context.value("last", in: .flow(directory.file("flow.toml"))) == .string("in/b"))
        #expect(engine.context.keys() == ["total"])
        _ = engine.process("in/c", "reset")
        #expect(engine.process("in/d", "x").messages.map(\.line) == ["[count/one] 1 5 1", "[count/two] 1 6 1"])
    }

    @Test func scriptsReadWhatUpdateContextStored() {
        let directory = FlowsDirectory()
        directory.write("units.toml", "input.mqtt.topics = [\"units/#\"]\nsteps = [{ builtin = \"update-context\" }]\n")
        directory.write(
            "read.lua",
            "function onMessage(m, context) return { topic = 'unit', payload = context.mapper.get('units/t').symbol } end")
        directory.write("read.toml", "input.mqtt.topics = [\"in/#\"]\nsteps = [{ script = \"read.lua\" }]\n")
        let (engine, _) = directory.engine()
        _ = engine.process("units/t", #"{"symbol":"°C"}"#)
        #expect(engine.process("in/x", "").messages.map(\.payloadText) == ["°C"])
    }

    @Test func jsonHelpersKeepNullsAndReportBadInput() {
        let (engine, _) = engine(
            """
            function onMessage(message)
                local value = json.decode(message.payload)
                return { topic = "out", payload = json.encode(value) .. " " .. tostring(value.gone == json.null) }
            end
            """)
        #expect(
            engine.process("in/x", #"{"gone":null,"list":[1,2.5,"x",true],"nested":{}}"#).messages.map(\.payloadText)
                == [#"{"gone":null,"list":[1,2.5,"x",true],"nested":{}} true"#])
        let error = engine.process("in/x", "{oops").errors.first?.payloadText ?? ""
        #expect(error.contains("No messages can be processed due to an incorrect setting: Lua error: Invalid JSON:"), "\(error)")
    }

    @Test func onIntervalRunsWhenItsIntervalHasPassed() {
        let directory = FlowsDirectory()
        directory.write(
            "tick.lua",
            "function onMessage(m) return nil end\nfunction onInterval(time, context) return { topic = 'tick', payload = tostring(math.floor(time)) } end"
        )
        directory.write("tick.toml", "input.mqtt.topics = [\"in/#\"]\nsteps = [{ script = \"tick.lua\", interval = \"2s\" }]\n")
        let (engine, _) = directory.engine()
        let start = FlowsDirectory.time
        #expect(engine.tick(at: start.adding(seconds: 1)).messages.isEmpty)
        #expect(engine.tick(at: start.adding(seconds: 2)).messages.map(\.line) == ["[tick] 1763050416"])
        #expect(engine.tick(at: start.adding(seconds: 3)).messages.isEmpty)
        #expect(engine.nextDeadline == start.adding(seconds: 4))
    }

    @Test func aFailingScriptReportsOnTheErrorsTopicAndTheNextMessageIsMapped() {
        let (engine, directory) = engine(
            "function onMessage(m)\n if m.payload == 'bad' then error('bad payload') end\n return m\nend")
        let failed = engine.process("in/x", "bad")
        #expect(failed.errors.map(\.topic) == ["te/error"])
        #expect(
            failed.errors.map(\.payloadText) == [
                "Error in \(directory.file("flow.toml")): No messages can be processed due to an incorrect setting: Lua error: "
                    + "script.lua:2: bad payload"
            ])
        // The script returned its input: on its own topic, which the flow reads, so it is dropped.
        let looped = engine.process("in/x", "good")
        #expect(looped.messages.isEmpty)
        #expect(looped.log == ["Flow 'flow' is dropping output message to 'in/x' to prevent an infinite loop"])
    }

    @Test func anEndlessLoopAndAnUnboundedAllocationAreStoppedReportedAndTheNextMessageIsStillMapped() {
        let limits = LuaLimits(memory: 2_000_000, instructions: 200_000)
        let (engine, directory) = engine(
            """
            function onMessage(message)
                if message.payload == "loop" then while true do end end
                if message.payload == "hog" then
                    hoard = {}
                    for i = 1, 1e9 do hoard[i] = string.rep("x", 1000) .. i end
                end
                return { topic = "out/" .. message.payload, payload = tostring(hoard == nil) }
            end
            """, limits: limits,
            extraFlows: [
                "other.toml":
                    "input.mqtt.topics = [\"in/#\"]\nsteps = [{ builtin = \"set-topic\", config = { topic = \"other\" } }]\n"
            ])
        let flow = directory.file("flow.toml")

        let loop = engine.process("in/x", "loop")
        #expect(
            loop.errors.map(\.payloadText) == [
                "Error in \(flow): No messages can be processed due to an incorrect setting: Maximum processing time exceeded (200000 Lua instructions)"
            ])
        #expect(loop.messages.map(\.topic) == ["other"])

        let hog = engine.process("in/x", "hog")
        #expect(
            hog.errors.map(\.payloadText) == [
                "Error in \(flow): No messages can be processed due to an incorrect setting: Lua error: not enough memory (limit 2000000 bytes)"
            ])
        #expect(hog.messages.map(\.topic) == ["other"])

        // The state was loaded afresh: what the hog left in a global is gone.
        #expect(engine.process("in/x", "next").messages.map(\.line) == ["[out/next] true", "[other] next"])
    }

    @Test(arguments: [
        ("io.open('/etc/passwd')", "attempt to index a nil value (global 'io')"),
        ("os.execute('true')", "attempt to index a nil value (global 'os')"),
        ("require('socket')", "attempt to call a nil value (global 'require')"),
        ("package.loaded.x = 1", "attempt to index a nil value (global 'package')"),
        ("debug.getinfo(1)", "attempt to index a nil value (global 'debug')"),
        ("dofile('/etc/passwd')", "attempt to call a nil value (global 'dofile')"),
    ])
    func theSandboxHasNoSystemAccess(call: String, error: String) {
        let (engine, _) = engine("function onMessage(m)\n \(call)\n return nil\nend")
        let report = engine.process("in/x", "p").errors.first?.payloadText ?? ""
        #expect(report.hasSuffix("Lua error: script.lua:2: \(error)"), "\(report)")
    }

    @Test(arguments: [
        ("return 'x'", "Flow scripts are expected to return an array of messages"),
        ("return { payload = 'x' }", "Message is missing the 'topic' property"),
        ("return { topic = 'x' }", "Message is missing the 'payload' property"),
        ("return { topic = 'x', payload = {} }", "Unexpected payload format. Expected a string"),
        ("return { 'x' }", "Expect a message object with a topic and a payload"),
    ])
    func resultsThatAreNotMessagesAreErrors(body: String, error: String) {
        let (engine, directory) = engine("function onMessage(m) \(body) end")
        #expect(engine.process("in/x", "p").errors.map(\.payloadText) == ["Error in \(directory.file("flow.toml")): \(error)"])
    }

    @Test func aScriptThatDoesNotCompileBreaksItsFlow() {
        let directory = FlowsDirectory()
        directory.write("bad.lua", "function onMessage(m)\n return {\nend")
        directory.write("bad.toml", "input.mqtt.topics = [\"in/#\"]\nsteps = [{ script = \"bad.lua\" }]\n")
        directory.write("missing.toml", "input.mqtt.topics = [\"in/#\"]\nsteps = [{ script = \"missing.lua\" }]\n")
        let (engine, _) = directory.engine()
        let errors = engine.brokenFlows.map(\.error.description)
        #expect(errors.count == 2)
        #expect(errors.first?.hasPrefix("Lua error: bad.lua:3:") == true, "\(errors)")
        #expect(errors.last == "Cannot read file \(directory.file("missing.lua")): No such file or directory (os error 2)")
    }

    @Test func printGoesToTheLog() {
        let (engine, directory) = engine("function onMessage(m) print('seen', m.topic, 1, nil) return nil end")
        #expect(engine.process("in/x", "p").log == ["\(directory.file("script.lua")): seen\tin/x\t1\tnil"])
    }
}
