import TedgeCloudAws
import TedgeCloudAzure
import TedgeCloudC8y
import TedgeMQTTCodec
import TedgeMessaging
import TedgeProviderAPI
import TedgeProviderContract
import Testing

@testable import TedgeCloudBridge

/// The providers' own bridge topics as the built-in bridge applies them: what goes to the cloud under which topic,
/// what comes back under which local topic, and what is not bridged at all.
struct BridgeRulesTests {
    static func rules(_ provider: any CloudProvider, deviceID: String = "dev-1") -> BridgeRules {
        BridgeRules(provider.bridge(ConnectionContext.sample(for: provider, deviceID: deviceID)).topics)
    }

    static func outbound(_ rules: BridgeRules, _ topic: String) -> String? {
        rules.outboundMessage(MQTTMessage(topic: topic, text: "x", qos: .atLeastOnce))?.topic
    }

    static func inbound(_ rules: BridgeRules, _ topic: String) -> String? {
        rules.inboundMessage(MQTTMessage(topic: topic, text: "x", qos: .atLeastOnce))?.topic
    }

    @Test func azureOutbound() {
        let rules = Self.rules(AzureProvider())
        #expect(Self.outbound(rules, "az/messages/events/") == "devices/dev-1/messages/events/")
        #expect(Self.outbound(rules, "az/messages/events/a=1&b=2") == "devices/dev-1/messages/events/a=1&b=2")
        #expect(Self.outbound(rules, "az/twin/GET/?$rid=1") == "$iothub/twin/GET/?$rid=1")
        #expect(
            Self.outbound(rules, "az/twin/PATCH/properties/reported/?$rid=2") == "$iothub/twin/PATCH/properties/reported/?$rid=2")
        #expect(Self.outbound(rules, "az/methods/res/200/?$rid=7") == "$iothub/methods/res/200/?$rid=7")
        // Inbound-only rules and topics outside every rule do not go out.
        #expect(Self.outbound(rules, "az/messages/devicebound/x") == nil)
        #expect(Self.outbound(rules, "az/twin/res/200/?$rid=1") == nil)
        #expect(Self.outbound(rules, "tedge/measurements") == nil)
        #expect(Self.outbound(rules, "az/other") == nil)
        // The message keeps its payload, QoS and retain flag.
        let message = MQTTMessage(topic: "az/messages/events/", text: "{\"t\":1}", qos: .atLeastOnce, retain: true)
        #expect(
            rules.outboundMessage(message)
                == MQTTMessage(
                    topic: "devices/dev-1/messages/events/", text: "{\"t\":1}", qos: .atLeastOnce, retain: true))
    }

    @Test func azureInbound() {
        let rules = Self.rules(AzureProvider())
        #expect(Self.inbound(rules, "devices/dev-1/messages/devicebound/%24.to=x") == "az/messages/devicebound/%24.to=x")
        #expect(Self.inbound(rules, "$iothub/methods/POST/reboot/?$rid=7") == "az/methods/POST/reboot/?$rid=7")
        #expect(Self.inbound(rules, "$iothub/twin/res/200/?$rid=1") == "az/twin/res/200/?$rid=1")
        #expect(
            Self.inbound(rules, "$iothub/twin/PATCH/properties/desired/?$version=3")
                == "az/twin/PATCH/properties/desired/?$version=3")
        // Another device's messages, outbound-only rules and unknown topics do not come in.
        #expect(Self.inbound(rules, "devices/dev-2/messages/devicebound/x") == nil)
        #expect(Self.inbound(rules, "devices/dev-1/messages/events/") == nil)
        #expect(Self.inbound(rules, "$iothub/twin/GET/?$rid=1") == nil)
        #expect(Self.inbound(rules, "elsewhere") == nil)
    }

    @Test func azureSubscriptionsAndLocalFilters() {
        let rules = Self.rules(AzureProvider())
        #expect(rules.cloudSubscriptions.map(\.filter).contains("devices/dev-1/messages/devicebound/#"))
        #expect(rules.cloudSubscriptions.map(\.filter).contains("$iothub/methods/POST/#"))
        #expect(!rules.cloudSubscriptions.map(\.filter).contains("devices/dev-1/messages/events/#"))
        #expect(rules.localFilters.contains("az/messages/events/#"))
        #expect(!rules.localFilters.contains("az/messages/devicebound/#"))
    }

    @Test func cumulocityEmptyRemotePrefix() {
        let rules = Self.rules(CumulocityProvider())
        #expect(Self.outbound(rules, "c8y/s/us") == "s/us")
        #expect(Self.outbound(rules, "c8y/s/us/child-1") == "s/us/child-1")
        #expect(Self.outbound(rules, "c8y/measurement/measurements/create") == "measurement/measurements/create")
        #expect(Self.outbound(rules, "c8y/measurement/measurements/create/extra") == nil)
        #expect(Self.outbound(rules, "c8y/s/ds") == nil)
        #expect(Self.inbound(rules, "s/ds") == "c8y/s/ds")
        #expect(Self.inbound(rules, "s/e") == "c8y/s/e")
        #expect(Self.inbound(rules, "s/us") == nil)
        // QoS 0 rule: subscribed at QoS 0, as the mosquitto bridge file says.
        #expect(rules.cloudSubscriptions.first { $0.filter == "s/e" }?.qos == .atMostOnce)
        #expect(rules.cloudSubscriptions.first { $0.filter == "s/ds" }?.qos == .atLeastOnce)
    }

    @Test func awsBothWaysAndWholeTopicRules() {
        let rules = Self.rules(AwsProvider())
        #expect(Self.outbound(rules, "aws/td/measurements") == "thinedge/dev-1/td/measurements")
        #expect(Self.inbound(rules, "thinedge/dev-1/cmd/restart/42") == "aws/cmd/restart/42")
        // A rule bridged both ways maps in each direction and says so.
        #expect(Self.outbound(rules, "aws/shadow/name/tedge/update") == "$aws/things/dev-1/shadow/name/tedge/update")
        #expect(
            Self.inbound(rules, "$aws/things/dev-1/shadow/name/tedge/update/accepted") == "aws/shadow/name/tedge/update/accepted")
        #expect(rules.isBidirectional(localTopic: "aws/shadow/name/tedge/update"))
        #expect(!rules.isBidirectional(localTopic: "aws/td/measurements"))
        // An empty pattern: the prefix is the whole topic, nothing below it.
        #expect(Self.outbound(rules, "aws/test-connection") == "thinedge/devices/dev-1/test-connection")
        #expect(Self.outbound(rules, "aws/test-connection/more") == nil)
        #expect(Self.inbound(rules, "thinedge/devices/dev-1/test-connection") == "aws/connection-success")
    }

    @Test func handMadeRules() {
        let rules = BridgeRules([
            BridgeTopic("+/status", .outbound, qos: 1, local: "x/", remote: "cloud/"),
            BridgeTopic("#", .inbound, qos: 1, local: "x/in/", remote: "down/"),
        ])
        #expect(Self.outbound(rules, "x/a/status") == "cloud/a/status")
        #expect(Self.outbound(rules, "x/a/b/status") == nil)
        #expect(Self.outbound(rules, "x/$sys/status") == nil, "a first-level wildcard does not match $")
        #expect(Self.inbound(rules, "down/a/b") == "x/in/a/b")
        #expect(Self.inbound(rules, "down/") == "x/in/")
        #expect(Self.inbound(rules, "downer") == nil)
    }
}
