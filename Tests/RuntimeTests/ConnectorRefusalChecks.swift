import Testing

/// What the suites that make `tedge connect` fail share: connecting while expecting an error, and telling the
/// logged service actions apart.
protocol ConnectorRefusalChecks {}

extension ConnectorRefusalChecks {
    /// Connects, expecting `message`; returns the fake for more checks.
    func refused(_ fake: RecordingConnectorEffects, with message: String, sourceLocation: SourceLocation = #_sourceLocation)
        async -> RecordingConnectorEffects
    {
        let error = await #expect(throws: (any Error).self, sourceLocation: sourceLocation) { try await fake.connector.connect() }
        #expect(error.map { "\($0)" } == message, sourceLocation: sourceLocation)
        return fake
    }

    /// Whether a logged action starts, stops, enables or disables a service.
    static func serviceActions(_ action: String) -> Bool {
        ["restart", "stop", "enable", "disable"].contains(String(action.prefix { $0 != " " }))
    }
}
