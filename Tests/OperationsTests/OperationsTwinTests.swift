import TedgeProviderAPI
import Testing

@testable import TedgeOperations

/// The twin through `OperationsStateMachine` with Azure's topics: read at connect and when the link comes back,
/// desired properties kept retained per key and handed to their handlers, twin fragments reported.
@Suite struct OperationsTwinTests {
    private let twin = #"{"desired":{"fan":"on","interval":30,"$version":4},"reported":{"$version":1}}"#

    @Test func theTwinIsReadOnceTheLinkSaysUpAndItsDesiredPropertiesKeptPerKey() throws {
        let harness = OperationsHarness(handlers: ["desired/interval"])
        harness.connected()
        // What was published last time comes back retained: unchanged values are not published or run again.
        harness.receive("az/twin/desired/fan", #""on""#, retain: true)
        harness.receive("az/twin/desired/gone", "5", retain: true)
        harness.tick(advancing: 60_000)
        #expect(harness.take().isEmpty)
        harness.linkUp()
        harness.tick()
        #expect(harness.take() == ["az/twin/GET/?$rid=101 "])
        harness.receive("az/twin/res/200/?$rid=101", twin)
        let published = harness.takeMessages()
        #expect(
            published == [
                MQTTMessage(topic: "az/twin/desired/gone", payload: [], qos: .atLeastOnce, retain: true),
                MQTTMessage(topic: "az/twin/desired/interval", text: "30", qos: .atLeastOnce, retain: true),
            ])
        let run = try #require(harness.takeStarted().first)
        #expect(run.executable == "/etc/tedge/operations/az/desired/interval")
        #expect(run.standardInput == Array("30".utf8))
        #expect(run.environment["TEDGE_DESIRED_KEY"] == "interval" && run.environment["TEDGE_DESIRED_VERSION"] == "4")
        #expect(run.environment["TEDGE_HANDLER"] == "desired")
        // Our own publication coming back live is not taken for a value from elsewhere.
        harness.receive("az/twin/desired/interval", "30")
        #expect(harness.take().isEmpty)
    }

    @Test func patchesPublishAndRunWhatChanged() throws {
        let harness = OperationsHarness(handlers: ["desired/fan"])
        harness.connected()
        harness.linkUp()
        harness.tick()
        _ = harness.take()
        harness.receive("az/twin/res/200/?$rid=101", twin)
        _ = harness.take()
        let first = try #require(harness.takeStarted().first)
        harness.receive("az/twin/PATCH/properties/desired/?$version=5", #"{"fan":null,"$version":5}"#)
        harness.receive("az/twin/PATCH/properties/desired/?$version=5", #"{"fan":"off","$version":5}"#)
        #expect(harness.take() == ["az/twin/desired/fan "])
        // One run per key at a time: the removal waits for the first run.
        #expect(harness.takeStarted().isEmpty)
        harness.finish(first, HandlerOutcome(.exited(0)))
        let removal = try #require(harness.takeStarted().first)
        #expect(removal.standardInput == Array("null".utf8))
        // A patch that skips versions makes the twin be read again.
        harness.receive("az/twin/PATCH/properties/desired/?$version=9", #"{"fan":"auto","$version":9}"#)
        #expect(harness.take() == [#"az/twin/desired/fan "auto""#])
        harness.tick()
        #expect(harness.take() == ["az/twin/GET/?$rid=102 "])
        #expect(harness.logLines.contains("a desired-property patch was missed (now at version 9); reading the twin"))
    }

    @Test func aFailedReadIsRetriedAndAnUnansweredOneToo() {
        let harness = OperationsHarness()
        harness.connected()
        harness.linkUp()
        harness.tick()
        _ = harness.take()
        harness.receive("az/twin/res/429/?$rid=101", "")
        harness.tick(advancing: 9_999)
        #expect(harness.take().isEmpty)
        harness.tick(advancing: 1)
        #expect(harness.take() == ["az/twin/GET/?$rid=102 "])
        harness.tick(advancing: 30_000)
        #expect(harness.take() == ["az/twin/GET/?$rid=103 "])
    }

    /// The mosquitto bridge's notification (or the built-in bridge's health): nothing is sent while the link is
    /// down, and the twin is read and everything reported again as it comes up.
    @Test func theLinkComingUpReadsTheTwinAndReportsAgain() {
        let harness = OperationsHarness()
        harness.connected()
        harness.receive("te/device/main/service/mosquitto-az-bridge/status/health", "0", retain: true)
        harness.receive("te/device/main///twin/firmware", #"{"version":"1.2"}"#, retain: true)
        harness.tick(advancing: 5_000)
        #expect(harness.take().isEmpty)
        #expect(harness.machine.linkUp == false)
        harness.receive("te/device/main/service/mosquitto-az-bridge/status/health", "1")
        harness.tick()
        #expect(
            harness.take() == [
                "az/twin/GET/?$rid=101 ", #"az/twin/PATCH/properties/reported/?$rid=102 {"firmware":{"version":"1.2"}}"#,
            ])
        harness.receive("az/twin/res/204/?$rid=102&$version=2", "")
        harness.receive("te/device/main/service/tedge-mapper-bridge-az/status/health", #"{"status":"up"}"#)
        harness.receive("te/device/main/service/mosquitto-az-bridge/status/health", "0")
        harness.tick()
        // Still up through the built-in bridge: nothing to do again.
        #expect(harness.take().isEmpty)
        harness.receive("te/device/main/service/tedge-mapper-bridge-az/status/health", #"{"status":"down"}"#)
        harness.receive("te/device/main/service/tedge-mapper-bridge-az/status/health", #"{"status":"up"}"#)
        harness.tick()
        #expect(
            harness.take() == [
                "az/twin/GET/?$rid=103 ", #"az/twin/PATCH/properties/reported/?$rid=104 {"firmware":{"version":"1.2"}}"#,
            ])
        // A new local connection: the retained health comes again, and counts as the link coming up.
        harness.receive("az/twin/res/204/?$rid=104", "")
        harness.connected()
        harness.receive("te/device/main/service/tedge-mapper-bridge-az/status/health", #"{"status":"up"}"#, retain: true)
        harness.tick()
        #expect(harness.take().first == "az/twin/GET/?$rid=105 ")
    }

    /// Without a bridge that reports (no link known), nothing goes to the cloud's topics.
    @Test func nothingIsSentWhileNoLinkIsKnown() {
        let harness = OperationsHarness()
        harness.connected()
        harness.receive("te/device/main///twin/firmware", #"{"version":"1.2"}"#, retain: true)
        harness.tick(advancing: 120_000)
        #expect(harness.take().isEmpty)
        #expect(harness.machine.nextDeadline(after: harness.now) == harness.now + 60_000)
    }

    @Test func twinFragmentsBecomeReportedProperties() {
        let harness = OperationsHarness()
        harness.linkUp()
        harness.tick()
        #expect(harness.take() == ["az/twin/GET/?$rid=101 "])
        harness.receive("az/twin/res/200/?$rid=101", #"{"desired":{"$version":1},"reported":{"$version":1}}"#)
        harness.receive("te/device/main///twin/firmware", #"{"version":"1.2"}"#, retain: true)
        harness.receive("te/device/main///twin/hardware", #""pi""#, retain: true)
        harness.receive("te/device/child1///twin/firmware", #""other device""#)
        harness.receive("te/device/main///twin/bad.name", "1")
        harness.receive("te/device/main///twin/@id", "1")
        harness.receive("te/device/main///twin/notjson", "v1")
        harness.tick(advancing: 199)
        #expect(harness.take().isEmpty)
        harness.tick(advancing: 1)
        #expect(harness.take() == [#"az/twin/PATCH/properties/reported/?$rid=102 {"firmware":{"version":"1.2"},"hardware":"pi"}"#])
        #expect(harness.logLines.count == 3)
        harness.receive("te/device/main///twin/hardware", "")
        harness.receive("az/twin/res/500/?$rid=102", "")
        harness.tick(advancing: 999)
        #expect(harness.take().isEmpty)
        harness.tick(advancing: 1)
        #expect(
            harness.take() == [#"az/twin/PATCH/properties/reported/?$rid=103 {"firmware":{"version":"1.2"},"hardware":null}"#])
        harness.receive("az/twin/res/204/?$rid=103", "")
        harness.tick(advancing: 60_000)
        #expect(harness.take().isEmpty)
    }

    @Test func cloudToDeviceMessagesReachTheirHandler() throws {
        let harness = OperationsHarness()
        harness.receive("az/messages/devicebound/%24.mid=m1&colour=red", "hello")
        #expect(harness.takeStarted().isEmpty)
        harness.handlers = ["c2d"]
        harness.receive("az/messages/devicebound/%24.mid=m2&colour=dark%20red&bad=a%00b", "hello")
        let run = try #require(harness.takeStarted().first)
        #expect(run.executable == "/etc/tedge/operations/az/c2d" && run.standardInput == Array("hello".utf8))
        #expect(run.environment["TEDGE_PROPERTY___MID"] == "m2" && run.environment["TEDGE_PROPERTY_COLOUR"] == "dark red")
        #expect(run.environment["TEDGE_MESSAGE_PROPERTIES"] == #"{"$.mid":"m2","colour":"dark red"}"#)
        #expect(run.environment["TEDGE_PROPERTY_BAD"] == nil)
        #expect(harness.take().isEmpty)
    }
}
