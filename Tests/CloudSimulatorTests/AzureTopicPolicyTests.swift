import Testing

@testable import TedgeCloudSimulator

struct AzureTopicPolicyTests {
    let policy = AzureTopicPolicy(deviceID: "dev-1")

    @Test func ownDeviceTopicsAndIoTHubTopicsAreAllowed() {
        for topic in [
            "devices/dev-1/messages/events/", "devices/dev-1/messages/devicebound/#", "$iothub/twin/res/#",
            "$iothub/methods/POST/#", "$iothub/twin/GET/?$rid=1",
        ] {
            #expect(policy.allows(topic), "\(topic)")
        }
    }

    @Test func otherDevicesWildcardsAndOtherTopicsAreRefused() {
        for topic in [
            "devices/dev-2/messages/devicebound/#", "devices/+/messages/events/#", "#", "devices/#", "+/dev-1/x",
            "devices/dev-10/messages/events/", "devices/dev-1", "$SYS/#", "s/us", "",
        ] {
            #expect(!policy.allows(topic), "\(topic)")
        }
    }

    @Test func iothubTopicsMoveIntoTheDevicesOwnBackendNamespaceAndBack() {
        #expect(policy.backendTopic("$iothub/twin/GET/?$rid=1") == "devices/dev-1/$iothub/twin/GET/?$rid=1")
        #expect(policy.backendTopic("devices/dev-1/messages/events/") == "devices/dev-1/messages/events/")
        #expect(policy.deviceTopic("devices/dev-1/$iothub/twin/res/200/?$rid=1") == "$iothub/twin/res/200/?$rid=1")
        #expect(policy.deviceTopic("devices/dev-1/messages/devicebound/x") == "devices/dev-1/messages/devicebound/x")
        #expect(policy.deviceTopic("devices/dev-2/$iothub/twin/res/200/") == "devices/dev-2/$iothub/twin/res/200/")
    }
}
