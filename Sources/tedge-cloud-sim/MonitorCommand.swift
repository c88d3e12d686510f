import ArgumentParser
import TedgeCloudSimulator
import TedgeProviderAPI
import TedgeSystem

struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Show device-to-cloud messages as they arrive, with their properties (like `az iot hub monitor-events`)")

    @OptionGroup var directory: DirectoryOption

    @Option(help: "Stop after this many messages (exit 1 if the timeout comes first)")
    var count: Int?

    @Option(help: "Stop after this many seconds without the messages asked for (default: run until interrupted)")
    var timeout: Double?

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        do {
            let cloud = try await CloudSide.connect(
                directory: directory.path, name: "monitor", subscribing: ["devices/+/messages/events/#"])
            defer { cloud.client.disconnect() }
            Console.standardOutput.line("Monitoring events from all devices... (\(directory.path))")
            let deadline = timeout.map { ContinuousClock.now + .milliseconds(Int($0 * 1000)) }
            var shown = 0
            while count.map({ shown < $0 }) ?? true {
                let wait = deadline.map { $0 - ContinuousClock.now } ?? .seconds(3600)
                guard wait > .zero, let message = await cloud.inbox.next(timeout: wait) else {
                    if let deadline, ContinuousClock.now >= deadline { break }
                    continue
                }
                guard let event = CloudEvent(topic: message.topic, payload: message.payload) else { continue }
                Console.standardOutput.write(event.report)
                shown += 1
            }
            if let count, shown < count {
                throw TedgeError("\(shown) of \(count) messages arrived within \(timeout ?? 0) seconds")
            }
        } catch {
            Console.standardError.write(CommandFailure("monitor the simulated cloud's events", cause: error).description)
            throw ExitCode.failure
        }
    }
}
