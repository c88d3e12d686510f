import ArgumentParser
import TedgeFlows
import TedgeProviderAPI
import TedgeSystem

struct FlowsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List flows and steps")

    @OptionGroup var location: FlowsLocation

    @Option(help: "List flows processing messages published on this topic (default: all the flows)")
    var topic: String?

    func run() throws {
        let action = "list flows and flow steps in \(location.directory)"
        let directory: String
        do { directory = try location.existingDirectory() } catch { throw CommandFailure(action, cause: error) }
        let engine = FlowEngine(directory: directory)
        for line in engine.start().log { Console.standardError.line(line) }
        for flow in engine.flows where topic.map(flow.accepts) ?? true {
            Console.standardOutput.write(Self.describe(flow))
        }
        if !engine.brokenFlows.isEmpty { throw CommandFailure(action, cause: TedgeError("Some invalid flows")) }
        if engine.flows.isEmpty { throw CommandFailure(action, cause: TedgeError("No valid flows")) }
    }

    /// thin-edge's layout: name and version, description, file, tags, one line per step, a blank line.
    static func describe(_ flow: Flow) -> String {
        var text = "Flow        : \(flow.name) (\(flow.version.map { "v\($0)" } ?? "unversioned"))\n"
        text += "Description : \(flow.description ?? "none")\n"
        text += "File        : \(flow.path)\n"
        if let tags = flow.tags { text += "Tags        : [\(tags.joined(separator: ","))]\n" }
        for (index, source) in flow.stepSources.enumerated() { text += "Step \(index + 1)      : \(source)\n" }
        return text + "\n"
    }
}
