import Foundation
import TedgeCloudAzure
import TedgeFlows
import Testing

/// How a mapper keeps its builtin flow files (thin-edge 2.0: "Updated builtin flows should not be overridden"): the
/// template always refreshed, the flow file written while it is missing or untouched, kept once edited, never written
/// while disabled.
@Suite struct BuiltinFlowFileTests {
    let directory = FlowsDirectory()

    func read(_ name: String) -> String? { try? String(contentsOfFile: directory.file(name), encoding: .utf8) }

    func mea(_ maxSize: Int) -> BuiltinFlowFile {
        let flow = AzureBuiltinFlows.measurements(version: "2.0.1", maxPayloadSize: maxSize)
        return BuiltinFlowFile(name: flow.name, text: flow.text, in: directory.file("flows"))
    }

    @Test func aFreshDirectoryGetsTheFlowAndItsTemplate() throws {
        let file = mea(262_144)
        #expect(try file.install() == .written)
        #expect(read("flows/mea.toml") == file.text)
        #expect(read("flows/mea.toml.template") == file.text)
        #expect(file.describe(.written) == "wrote \(directory.file("flows/mea.toml"))")
        // Nothing to do the next time, and no write that a running engine would take for an update.
        let inode = try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int
        #expect(try file.install() == .unchanged)
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int == inode)
    }

    @Test func anUntouchedFlowFollowsWhatTheMapperWouldWriteNow() throws {
        #expect(try mea(262_144).install() == .written)
        let smaller = mea(128)
        #expect(try smaller.install() == .written)
        #expect(read("flows/mea.toml") == smaller.text)
        #expect(read("flows/mea.toml.template") == smaller.text)
    }

    @Test func anEditedFlowIsKeptAndOnlyTheTemplateIsRefreshed() throws {
        let first = mea(262_144)
        #expect(try first.install() == .written)
        let edited = first.text.replacingOccurrences(of: "\"unix\"", with: "\"rfc3339\"")
        directory.write("flows/mea.toml", edited)
        let next = mea(128)
        #expect(try next.install() == .keptUserEdits)
        #expect(read("flows/mea.toml") == edited)
        #expect(read("flows/mea.toml.template") == next.text)
        #expect(try next.install() == .keptUserEdits)
        #expect(read("flows/mea.toml") == edited)
    }

    @Test func aFlowFileWrittenBeforeAnyTemplateIsTheUsers() throws {
        directory.write("flows/mea.toml", "input.mqtt.topics = [\"te/+/+/+/+/m/+\"]\nsteps = []\n")
        let file = mea(262_144)
        #expect(try file.install() == .keptUserEdits)
        #expect(read("flows/mea.toml") == "input.mqtt.topics = [\"te/+/+/+/+/m/+\"]\nsteps = []\n")
        #expect(read("flows/mea.toml.template") == file.text)
    }

    @Test func aDisabledFlowIsNotWritten() throws {
        directory.write("flows/mea.toml.disabled", "# off\n")
        let file = mea(262_144)
        #expect(try file.install() == .disabled)
        #expect(read("flows/mea.toml") == nil)
        #expect(read("flows/mea.toml.template") == file.text)
        #expect(read("flows/mea.toml.disabled") == "# off\n")
        // And the engine runs no flow from that directory.
        let engine = FlowEngine(directory: directory.file("flows"))
        _ = engine.start()
        #expect(engine.flows.isEmpty)
    }
}
