import Testing

@testable import TedgeCloudSimulator

struct MessagePropertiesTests {
    @Test func eventTopicPropertiesAreURLDecoded() {
        let topic = "devices/d/messages/events/%24.ct=application%2Fjson&%24.ce=utf-8&k=v&source=sdk%20test"
        #expect(
            MessageProperties.ofTopic(topic) == ["$.ct": "application/json", "$.ce": "utf-8", "k": "v", "source": "sdk test"])
        #expect(MessageProperties.ofTopic("devices/d/messages/events/$.ct=application%2Fjson") == ["$.ct": "application/json"])
    }

    @Test func noPropertiesEmptyPairsAndKeysWithoutValues() {
        #expect(MessageProperties.ofTopic("devices/d/messages/events/") == [:])
        #expect(MessageProperties.ofTopic("devices/d/other") == [:])
        #expect(MessageProperties.parse("&&a=&b&=c") == ["a": "", "b": ""])
        #expect(MessageProperties.parse("x=1=2") == ["x": "1=2"])
    }

    @Test func malformedEscapesStayAsTheyAre() {
        #expect(MessageProperties.decode("100%") == "100%")
        #expect(MessageProperties.decode("%zz%4") == "%zz%4")
        #expect(MessageProperties.decode("%C3%A9") == "é")
        #expect(MessageProperties.decode("%FF") == "\u{FFFD}")
    }

    @Test func encodingRoundTrips() {
        for text in ["/devices/d/messages/deviceBound", "a b&c=d", "é", "plain-._~"] {
            #expect(MessageProperties.decode(MessageProperties.encode(text)) == text)
        }
        #expect(MessageProperties.encode("/x y") == "%2Fx%20y")
    }

    @Test func eventsAreReportedWithDeviceTopicPropertiesAndPayload() throws {
        let event = try #require(CloudEvent(topic: "devices/d1/messages/events/k=v", payload: Array("{}".utf8)))
        #expect(event.deviceID == "d1")
        #expect(
            event.report.contains(
                "event from d1\n  topic:      devices/d1/messages/events/k=v\n  properties: k=v\n  payload:    {}"))
        #expect(CloudEvent(topic: "devices/d1/messages/devicebound/", payload: []) == nil)
        #expect(CloudEvent(topic: "devices//messages/events/", payload: []) == nil)
    }
}
