import TedgeLua
import TedgeMessaging
import TedgeSystem
import TedgeTopics

/// The flows of one mapper: loads every `*.toml` flow under a directory (not `params.toml`, not
/// `*.toml.disabled`), routes each input message to the flows whose input filters match it, runs their
/// steps and returns what to publish, ticks their `onInterval` steps, and reloads what changed on disk.
/// Failures never escape: a flow that cannot load is `broken` and does not run, a message a step cannot
/// process becomes an error message on its flow's errors topic, and the other flows carry on.
///
/// Single-threaded, like the mapper's loop (`MapperFlows` drives it there).
public final class FlowEngine {
    public let directory: String
    public let mapperParams: [String: String]
    public let limits: LuaLimits
    /// The stores scripts share (`context.mapper`, …), kept across reloads.
    public let context = FlowContext()
    /// Only this flow file (or script, run as a flow on `#`), for `tedge flows test --flow`.
    private let only: String?
    private var loaded: [String: Flow] = [:]
    private var broken: [String: FlowLoadError] = [:]
    /// For each known flow file: the stamps of the files it was read from, when it was read.
    private var readFrom: [String: [String: FlowDirectory.Stamp?]] = [:]
    /// Loaded flows in path order, the order messages visit them.
    public private(set) var flows: [Flow] = []

    public init(directory: String, only: String? = nil, mapperParams: [String: String] = [:], limits: LuaLimits = LuaLimits()) {
        self.directory = directory
        self.only = only
        self.mapperParams = mapperParams
        self.limits = limits
    }

    /// The flow files that could not be loaded, in path order, with why.
    public var brokenFlows: [(path: String, error: FlowLoadError)] { broken.keys.sorted().map { ($0, broken[$0]!) } }

    /// Loads every flow: `enabled` for each that loaded (a broken one is in `brokenFlows` and the log).
    public func start(at time: UnixTime = .now()) -> FlowEngineOutput {
        var output = reload(at: time)
        output.statuses = output.statuses.compactMap {
            $0.state == .updated ? FlowStatus(path: $0.path, state: .enabled, time: $0.time) : nil
        }
        return output
    }

    /// Rescans the directory and loads again every flow whose file, params or scripts changed: `updated` or
    /// `broken` for each, `removed` for each file that is gone.
    public func reload(at time: UnixTime = .now()) -> FlowEngineOutput {
        let files = FlowDirectory.scan(directory)
        let candidates: [String]
        if let only {
            candidates = FlowDirectory.stamp(only) == nil ? [] : [only]
        } else {
            candidates = files.keys.filter {
                $0.hasSuffix(".toml") && !FlowParams.isParamsFile(String($0.split(separator: "/").last ?? ""))
            }.sorted()
        }
        var output = FlowEngineOutput()
        for path in readFrom.keys.sorted() where !candidates.contains(path) {
            readFrom[path] = nil
            loaded[path] = nil
            broken[path] = nil
            output.statuses.append(FlowStatus(path: path, state: .removed, time: time.seconds))
        }
        for path in candidates where hasChanged(path, files: files) {
            output.statuses.append(FlowStatus(path: path, state: load(path, at: time) ? .updated : .broken, time: time.seconds))
        }
        flows = loaded.keys.sorted().map { loaded[$0]! }
        output.log = drainLog()
        return output
    }

    /// Runs a message through every flow whose inputs match its topic.
    public func process(_ message: FlowMessage, at time: UnixTime = .now()) -> FlowEngineOutput {
        var output = FlowEngineOutput()
        for flow in flows where flow.accepts(message.topic) {
            collect(flow.onMessage(message, at: time, context: context), of: flow, into: &output)
        }
        output.log = drainLog()
        return output
    }

    /// Calls the `onInterval` steps whose interval has passed.
    public func tick(at time: UnixTime = .now()) -> FlowEngineOutput {
        var output = FlowEngineOutput()
        for flow in flows where flow.nextDeadline.map({ $0 <= time }) ?? false {
            collect(flow.onInterval(at: time, context: context), of: flow, into: &output)
        }
        output.log = drainLog()
        return output
    }

    /// Every file below a directory, sorted (what `tedge flows test --flow` searches).
    public static func files(below directory: String) -> [String] { FlowDirectory.scan(directory).keys.sorted() }

    /// When `tick` next has something to do.
    public var nextDeadline: UnixTime? { flows.compactMap(\.nextDeadline).min() }

    private func hasChanged(_ path: String, files: [String: FlowDirectory.Stamp]) -> Bool {
        guard let stamps = readFrom[path] else { return true }
        return stamps.contains { file, stamp in (files[file] ?? FlowDirectory.stamp(file)) != stamp }
    }

    /// Loads one flow file (or, for `only` a script, the script as a flow); true when it loaded.
    private func load(_ path: String, at time: UnixTime) -> Bool {
        let outcome: FlowLoader.Outcome
        if path == only, !path.hasSuffix(".toml") {
            outcome = FlowLoader.loadScript(path, limits: limits, context: context, at: time)
        } else {
            let root =
                path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
                ? directory : FileSystem.directory(of: path)
            outcome = FlowLoader.load(
                path: path, directory: root, mapper: mapperParams, limits: limits, context: context, at: time)
        }
        readFrom[path] = Dictionary(
            outcome.dependencies.map { ($0, FlowDirectory.stamp($0)) }, uniquingKeysWith: { first, _ in first })
        switch outcome.flow {
        case .success(let flow):
            loaded[path] = flow
            broken[path] = nil
            return true
        case .failure(let error):
            // A broken file stops its flow, even if an earlier version had loaded.
            loaded[path] = nil
            broken[path] = error
            context.log.append("Failed to load flow \(path): \(error)")
            return false
        }
    }

    private func collect(_ result: Result<[FlowMessage], FlowError>, of flow: Flow, into output: inout FlowEngineOutput) {
        switch result {
        case .success(let messages):
            for message in flow.published(messages, log: &context.log) {
                guard MQTTTopicFilter.isValidTopicName(message.topic) else {
                    context.log.append("\(flow.path): cannot publish transformed message: invalid topic \(message.topic)")
                    continue
                }
                output.messages.append(message)
            }
        case .failure(let error):
            if let report = flow.errorMessage(error) {
                output.errors.append(report)
            } else {
                context.log.append("Error in \(flow.path): \(error)")
            }
        }
    }

    private func drainLog() -> [String] {
        defer { context.log.removeAll() }
        return context.log
    }
}
