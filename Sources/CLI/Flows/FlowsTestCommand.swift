import ArgumentParser
import TedgeFlows
import TedgeProviderAPI
import TedgeSystem

/// Runs flows on sample messages without MQTT: from the arguments, or `[topic] payload` lines on stdin.
/// Prints what the mapper would publish, `[topic] payload`, on stdout; errors and the log on stderr.
struct FlowsTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Process message samples")

    @OptionGroup var location: FlowsLocation

    @Option(help: "Path to the flow step script or TOML flow definition (default: all the matching flows)")
    var flow: String?

    @Argument(help: "Topic of the message sample (default: `[topic] payload` lines read from stdin)")
    var topic: String?

    @Argument(help: "Payload of the message sample")
    var payload: String?

    func run() throws {
        let action = "process message samples using flows and steps in \(location.directory)"
        let engine: FlowEngine
        do {
            if topic != nil && payload == nil { throw TedgeError("Missing sample payload") }
            let directory = try location.existingDirectory()
            engine = FlowEngine(
                directory: directory, only: try flow.map { path throws(TedgeError) in try Self.find(path, in: directory) })
        } catch {
            throw CommandFailure(action, cause: error)
        }
        report(engine.start())
        if let topic, let payload {
            report(engine.process(FlowMessage(topic: topic, text: payload)))
            return
        }
        while let line = readLine() {
            let trimmed = String(line.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
            if trimmed.isEmpty { continue }
            guard let message = Self.message(trimmed) else {
                // Like thin-edge: a line it cannot read ends the input.
                Console.standardError.line("Fail to parse input message \(Self.parseError(trimmed))")
                return
            }
            report(engine.process(message))
        }
    }

    private func report(_ output: FlowEngineOutput) {
        for line in output.log { Console.standardError.line(line) }
        for message in output.messages { Console.standardOutput.line(message.line) }
        for error in output.errors { Console.standardError.line(String(decoding: error.payload, as: UTF8.self)) }
    }

    /// `[topic] payload`; the one space after the bracket separates, it is not part of the payload.
    static func message(_ line: String) -> FlowMessage? {
        guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return nil }
        var payload = line[line.index(after: close)...]
        if payload.hasPrefix(" ") { payload = payload.dropFirst() }
        return FlowMessage(topic: String(line[line.index(after: line.startIndex)..<close]), text: String(payload))
    }

    static func parseError(_ line: String) -> String {
        line.hasPrefix("[") ? "Missing closing bracket: \(line)" : "Missing opening bracket: \(line)"
    }

    /// The file as given, else the one file below the flows directory whose path ends with it.
    static func find(_ path: String, in directory: String) throws(TedgeError) -> String {
        if FileSystem.isRegularFile(path) { return FileSystem.absolute(path) }
        let matches = FlowEngine.files(below: directory).filter { $0.hasSuffix("/" + path) }
        switch matches.count {
        case 0: return FileSystem.absolute(path)
        case 1: return matches[0]
        default: throw TedgeError("\(path) is ambiguous, matching : [\(matches.map { "\"\($0)\"" }.joined(separator: ", "))]")
        }
    }
}
