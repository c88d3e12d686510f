/// A cloud's mapper: what it subscribes to and the converter the mapper runtime drives.
public struct MapperDescription: Sendable {
    /// Local topic filters the mapper consumes (`tedge/measurements`).
    public var subscriptions: [String]
    /// A directory, relative to the config directory, whose file names the converter needs
    /// (Cumulocity: `operations/c8y`, the supported operations); the runtime reads it at start.
    public var listedDirectory: String?
    /// Builds a fresh converter from the file names in `listedDirectory` (sorted; empty when there
    /// is none). Converters may keep state, e.g. which child devices are registered.
    public var makeConverter: @Sendable (_ listedFiles: [String]) -> any MessageConverter
    /// A directory of thin-edge flow files (`*.toml`, relative to the config directory) the runtime runs beside the
    /// converter: their input topics are subscribed too, and a message a flow takes goes through the flows.
    public var flowsDirectory: String?
    /// The flow files the mapper writes into the cloud's directory (`mappers/<cloud>/flows/`, `mappers/<cloud>.<profile>/
    /// flows/` under a profile) and runs, as thin-edge 2.0 ships its `te/` mapping: given the version Core writes into
    /// them. Core rewrites a file only while the user has not edited it (`<name>.toml.template` always holds what it
    /// would write) and never writes one the user disabled (`<name>.toml.disabled`). The converter sees a message the
    /// flows take before they do (`MessageConverter.beforeFlows`) and each of their outputs after (`afterFlows`).
    public var builtinFlows: @Sendable (_ version: String) -> [BuiltinFlow] = { _ in [] }
    /// What the flows read as `${mapper.<key>}` (a user-defined cloud's `mapper.toml`, flattened to dotted keys).
    public var flowParameters: [String: String] = [:]
    /// What the cloud asks of the device (methods, twin, cloud-to-device messages) and how to answer; nil when the
    /// cloud asks nothing the runtime acts on.
    public var operations: (any CloudOperations)? = nil

    public init(
        subscriptions: [String], listedDirectory: String,
        makeConverter: @escaping @Sendable (_ listedFiles: [String]) -> any MessageConverter
    ) {
        self.subscriptions = subscriptions
        self.listedDirectory = listedDirectory
        self.makeConverter = makeConverter
    }

    public init(subscriptions: [String], makeConverter: @escaping @Sendable () -> any MessageConverter) {
        self.subscriptions = subscriptions
        self.listedDirectory = nil
        self.makeConverter = { _ in makeConverter() }
    }
}
