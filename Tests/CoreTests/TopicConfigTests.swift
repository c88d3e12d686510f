import TedgeProviderAPI
import Testing

/// The core keys of the `te/` topics: root, device topic id, service health format, and topic lists.
@Suite struct TopicConfigTests {
    let topics = ConfigKey("az.topics", table: "az", field: "topics", kind: .string, default: .value("a/+, b/#,,"), doc: "x")

    func config() -> TedgeConfig { TedgeConfig(schema: ConfigSchema(providerKeys: [topics]), directory: "/etc/tedge") }

    @Test func defaults() {
        let config = config()
        #expect(config.topicSchema == TopicSchema(root: "te"))
        #expect(config.deviceTopicID == .mainDevice)
        #expect(config.timeFormat(CoreConfigKeys.serviceTimestampFormat) == .unix)
        #expect(config.value(of: CoreConfigKeys.serviceType) == "service")
        #expect(config.topicFilters(topics) == ["a/+", "b/#"])
    }

    @Test func valuesAreValidatedAsThinEdgeDoes() throws {
        var config = config()
        try config.set(CoreConfigKeys.deviceTopicID, to: "device/child_001")
        #expect(config.value(of: CoreConfigKeys.deviceTopicID) == "device/child_001//")
        #expect(config.deviceTopicID.description == "device/child_001//")
        #expect(throws: TedgeError("An entity topic identifier has at most 4 segments")) {
            try config.set(CoreConfigKeys.deviceTopicID, to: "a/b/c/d/e")
        }
        try config.set(CoreConfigKeys.serviceTimestampFormat, to: "rfc3339")
        #expect(config.timeFormat(CoreConfigKeys.serviceTimestampFormat) == .rfc3339)
        #expect(throws: TedgeError("Failed to parse flag: iso8601. Supported values are: 'rfc-3339' or 'unix'")) {
            try config.set(CoreConfigKeys.serviceTimestampFormat, to: "iso8601")
        }
        try config.set(CoreConfigKeys.topicRoot, to: "thin-edge")
        #expect(config.topicSchema.errorTopic == "thin-edge/errors")
    }
}
