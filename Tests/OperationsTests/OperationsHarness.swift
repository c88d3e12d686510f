import TedgeCloudAzure
import TedgeProviderAPI

@testable import TedgeOperations

/// An `OperationsStateMachine` for Azure with handlers that exist only in `handlers` (relative names such as
/// `reboot` or `desired/fan`); it keeps what the machine published, started and logged.
final class OperationsHarness {
    var machine: OperationsStateMachine
    var now: Int64 = 10_000
    /// Names of the handler files that exist; `notexec` exists but is not executable.
    var handlers: Set<String> {
        get { files.names }
        set { files.names = newValue }
    }
    private let files: HandlerFileSet
    private(set) var published: [MQTTMessage] = []
    private(set) var started: [HandlerRun] = []
    private(set) var logLines: [String] = []

    init(handlers: Set<String> = [], maxRunning: Int = 4, maxWaitingMethods: Int = 8, timeLimit: Int64 = 30_000) {
        let files = HandlerFileSet(handlers)
        self.files = files
        machine = OperationsStateMachine(
            configuration: OperationsConfiguration(
                cloud: "az", handlerDirectory: "/etc/tedge/operations/az", shownDirectory: "operations/az",
                timeLimitMilliseconds: timeLimit, maxRunning: maxRunning, maxWaitingMethods: maxWaitingMethods,
                baseEnvironment: ["PATH": "/usr/bin:/bin"]),
            cloud: AzureOperations(), lookup: files.lookup, requestNumberSeed: 100)
    }

    /// The handler files, read at each lookup as the disk would be.
    private final class HandlerFileSet: @unchecked Sendable {
        var names: Set<String>
        init(_ names: Set<String>) { self.names = names }
        func lookup(_ path: String) -> HandlerLookup {
            let name = String(path.dropFirst("/etc/tedge/operations/az/".count))
            if name == "notexec" { return .notExecutable("is not executable") }
            return names.contains(name) ? .executable : .missing
        }
    }

    func receive(_ topic: String, _ payload: String, retain: Bool = false) {
        machine.receive(MQTTMessage(topic: topic, text: payload, qos: .atLeastOnce, retain: retain), now: now)
        drain()
    }

    func call(_ name: String, rid: String, _ payload: String = "{}") { receive("az/methods/POST/\(name)/?$rid=\(rid)", payload) }

    func finish(_ run: HandlerRun, _ outcome: HandlerOutcome) {
        machine.handlerFinished(run.id, outcome, now: now)
        drain()
    }

    func tick(advancing milliseconds: Int64 = 0) {
        now += milliseconds
        machine.tick(now: now)
        drain()
    }

    func connected() {
        machine.connected(now: now)
        drain()
    }

    /// The mosquitto bridge's notification, retained as the broker keeps it: the cloud link is up.
    func linkUp() { receive("te/device/main/service/mosquitto-az-bridge/status/health", "1", retain: true) }

    /// What was published since the last call, as `topic payload` lines.
    func take() -> [String] {
        defer { published = [] }
        return published.map { "\($0.topic) \(String(decoding: $0.payload, as: UTF8.self))" }
    }

    func takeMessages() -> [MQTTMessage] {
        defer { published = [] }
        return published
    }

    func takeStarted() -> [HandlerRun] {
        defer { started = [] }
        return started
    }

    private func drain() {
        while let action = machine.nextAction() {
            switch action {
            case .publish(let message): published.append(message)
            case .start(let run): started.append(run)
            case .log(let line): logLines.append(line)
            }
        }
    }
}
