/// A cloud's mapper: what it subscribes to and the converter Core's mapper runtime drives.
public struct MapperDescription: Sendable {
    /// Local topic filters the mapper consumes (`tedge/measurements`).
    public var subscriptions: [String]
    /// Builds a fresh converter (converters may keep state, e.g. which child devices are registered).
    public var makeConverter: @Sendable () -> any MessageConverter

    public init(subscriptions: [String], makeConverter: @escaping @Sendable () -> any MessageConverter) {
        self.subscriptions = subscriptions
        self.makeConverter = makeConverter
    }
}
