import TedgeFlows
import Testing

/// Hot reload: what changed on disk is loaded again, with a status message for each flow file.
@Suite struct FlowReloadTests {
    let later = FlowsDirectory.time.adding(seconds: 5)

    @Test func modifiedDeletedAndBrokenFilesGiveStatusesAndTakeEffect() {
        let directory = FlowsDirectory()
        directory.write(
            "a.toml", "input.mqtt.topics = [\"in\"]\nsteps = [{ builtin = \"set-topic\", config = { topic = \"a1\" } }]\n")
        directory.write(
            "b.toml", "input.mqtt.topics = [\"in\"]\nsteps = [{ builtin = \"set-topic\", config = { topic = \"b\" } }]\n")
        let (engine, started) = directory.engine()
        #expect(started.statuses.map(\.state) == [.enabled, .enabled])
        #expect(engine.reload(at: later).statuses.isEmpty)

        directory.write(
            "a.toml", "input.mqtt.topics = [\"in\"]\nsteps = [{ builtin = \"set-topic\", config = { topic = \"a2\" } }]\n")
        let modified = engine.reload(at: later)
        #expect(modified.statuses == [FlowStatus(path: directory.file("a.toml"), state: .updated, time: later.seconds)])
        #expect(engine.process("in", "p").messages.map(\.topic) == ["a2", "b"])

        directory.remove("b.toml")
        #expect(
            engine.reload(at: later).statuses == [
                FlowStatus(path: directory.file("b.toml"), state: .removed, time: later.seconds)
            ])
        #expect(engine.process("in", "p").messages.map(\.topic) == ["a2"])

        directory.write("a.toml", "input.mqtt.topics = [\"in\"\n")
        let broken = engine.reload(at: later)
        #expect(broken.statuses.map(\.state) == [.broken])
        #expect(broken.log.first?.hasPrefix("Failed to load flow \(directory.file("a.toml")): ") == true)
        #expect(engine.process("in", "p").published.isEmpty)

        directory.write("c.toml", "input.mqtt.topics = [\"in\"]\n")
        #expect(
            engine.reload(at: later).statuses == [
                FlowStatus(path: directory.file("c.toml"), state: .updated, time: later.seconds)
            ])
    }

    @Test func aChangedScriptOrParamsFileReloadsTheFlowsThatUseIt() {
        let directory = FlowsDirectory()
        directory.write("s.lua", "function onMessage(m) return { topic = 'v1', payload = '' } end")
        directory.write("s.toml", "input.mqtt.topics = [\"in\"]\nsteps = [{ script = \"s.lua\" }]\n")
        directory.write("p.toml", "input.mqtt.topics = [\"in\"]\noutput.mqtt.topic = \"${params.out}\"\n")
        directory.write("params.toml", "out = \"p1\"\n")
        let (engine, _) = directory.engine()
        #expect(engine.process("in", "").messages.map(\.topic) == ["p1", "v1"])

        directory.write("s.lua", "function onMessage(m) return { topic = 'v2', payload = '' } end")
        #expect(engine.reload(at: later).statuses.map(\.path) == [directory.file("s.toml")])
        directory.write("params.toml", "out = \"p2\"\n")
        #expect(engine.reload(at: later).statuses.map(\.path) == [directory.file("p.toml"), directory.file("s.toml")])
        #expect(engine.process("in", "").messages.map(\.topic) == ["p2", "v2"])

        directory.remove("s.lua")
        #expect(engine.reload(at: later).statuses.map(\.state) == [.broken])
        directory.write("s.lua", "function onMessage(m) return { topic = 'v3', payload = '' } end")
        #expect(engine.reload(at: later).statuses.map(\.state) == [.updated])
        #expect(engine.process("in", "").messages.map(\.topic) == ["p2", "v3"])
    }

    @Test func disablingAFlowRemovesIt() {
        let directory = FlowsDirectory()
        directory.write("mea.toml", "input.mqtt.topics = [\"in\"]\n")
        let (engine, _) = directory.engine()
        directory.remove("mea.toml")
        directory.write("mea.toml.disabled", "input.mqtt.topics = [\"in\"]\n")
        #expect(engine.reload(at: later).statuses.map(\.state) == [.removed])
        #expect(engine.flows.isEmpty)
    }

    @Test func scriptStoresSurviveAReload() {
        let directory = FlowsDirectory()
        let script =
            "function onMessage(m, c) local n = (c.script.get('n') or 0) + 1 c.script.set('n', n) return { topic = 'n', payload = tostring(n) } end"
        directory.write("s.lua", script)
        directory.write("s.toml", "input.mqtt.topics = [\"in\"]\nsteps = [{ script = \"s.lua\" }]\n")
        let (engine, _) = directory.engine()
        _ = engine.process("in", "")
        directory.write("s.lua", script + "\n-- edited\n")
        #expect(engine.reload(at: later).statuses.map(\.state) == [.updated])
        #expect(engine.process("in", "").messages.map(\.payloadText) == ["2"])
    }
}
