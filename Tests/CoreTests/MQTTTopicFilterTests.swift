import TedgeProviderAPI
import Testing

@Suite struct MQTTTopicFilterTests {
    @Test(arguments: [
        ("te/+/+/+/+/m/+", "te/device/main///m/env", true),
        ("te/+/+/+/+/m/+", "te/device/main///m/", true),
        ("te/+/+/+/+/m/+", "te/device/main///e/env", false),
        ("te/+/+/+/+/m/+", "te/device/main//m/env", false),
        ("c8y/#", "c8y", true),
        ("c8y/#", "c8y/s/us", true),
        ("c8y/#", "c8y2/s", false),
        ("#", "a/b", true),
        ("#", "$SYS/broker", false),
        ("+/broker", "$SYS/broker", false),
        ("$SYS/#", "$SYS/broker", true),
        ("a/b", "a/b", true),
        ("a/b", "a/b/c", false),
        ("a/+", "a/", true),
    ])
    func matching(filter: String, topic: String, expected: Bool) throws {
        #expect(try #require(MQTTTopicFilter(filter)).matches(topic) == expected)
    }

    @Test(arguments: ["", "a/#/b", "a#", "a/b+", "+a", "a\u{0}"])
    func invalidFilters(filter: String) {
        #expect(MQTTTopicFilter(filter) == nil)
    }

    @Test func topicNames() {
        #expect(MQTTTopicFilter.isValidTopicName("te/device/main///m/"))
        #expect(!MQTTTopicFilter.isValidTopicName("a/+"))
        #expect(!MQTTTopicFilter.isValidTopicName(""))
    }
}
