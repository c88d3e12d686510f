import TedgeCloudAzure
import TedgeProviderAPI
import Testing

/// IoT Hub's device-side method, twin and cloud-to-device topics as `AzureOperations` reads and writes them.
@Suite struct AzureOperationsTests {
    let azure = AzureOperations()

    @Test func readsAMethodCall() {
        let call = azure.interpret(MQTTMessage(topic: "az/methods/POST/reboot/?$rid=1f", text: #"{"delay":1}"#))
        #expect(call == .methodCall(CloudMethodCall(name: "reboot", requestID: "1f", payload: Array(#"{"delay":1}"#.utf8))))
        // The name is the cloud's text up to the last `/?`: Core refuses what is not a handler name.
        #expect(
            azure.interpret(MQTTMessage(topic: "az/methods/POST/../../bin/sh/?$rid=2", text: ""))
                == .methodCall(CloudMethodCall(name: "../../bin/sh", requestID: "2", payload: [])))
        #expect(
            azure.interpret(MQTTMessage(topic: "az/methods/POST/reboot/", text: ""))
                == .unanswerable("a method call without a request id on az/methods/POST/reboot/"))
        #expect(
            azure.interpret(MQTTMessage(topic: "az/methods/POST/x/?$version=3", text: ""))
                == .unanswerable("a method call without a request id on az/methods/POST/x/?$version=3"))
    }

    @Test func answersOnTheResponseTopic() {
        let call = CloudMethodCall(name: "reboot", requestID: "1f", payload: [])
        #expect(
            azure.methodResponse(to: call, status: 504, payload: Array("{}".utf8))
                == MQTTMessage(topic: "az/methods/res/504/?$rid=1f", text: "{}", qos: .atLeastOnce))
    }

    @Test func readsTwinAnswers() throws {
        let twin = azure.interpret(
            MQTTMessage(
                topic: "az/twin/res/200/?$rid=7",
                text: #"{"desired":{"fan":"on","$version":4},"reported":{"$version":2}}"#))
        let desired = try JSONText.parse(Array(#"{"fan":"on","$version":4}"#.utf8)).get()
        #expect(twin == .twinAnswer(TwinAnswer(requestID: "7", status: 200, desired: desired, version: 4)))
        #expect(
            azure.interpret(MQTTMessage(topic: "az/twin/res/204/?$rid=8&$version=3", text: ""))
                == .twinAnswer(TwinAnswer(requestID: "8", status: 204, version: 3)))
        #expect(
            azure.interpret(MQTTMessage(topic: "az/twin/res/400/?$rid=9", text: #"{"message":"bad"}"#))
                == .twinAnswer(TwinAnswer(requestID: "9", status: 400, message: #"{"message":"bad"}"#)))
        #expect(azure.interpret(MQTTMessage(topic: "az/twin/res/ok/?$rid=9", text: "")) == nil)
    }

    @Test func readsDesiredPatches() throws {
        let patch = azure.interpret(
            MQTTMessage(topic: "az/twin/PATCH/properties/desired/?$version=5", text: #"{"fan":null,"$version":5}"#))
        #expect(patch == .desiredPatch(try JSONText.parse(Array(#"{"fan":null,"$version":5}"#.utf8)).get(), version: 5))
        // The version from the body when the topic lacks it.
        let bodyOnly = azure.interpret(MQTTMessage(topic: "az/twin/PATCH/properties/desired/", text: #"{"$version":6}"#))
        #expect(bodyOnly == .desiredPatch(try JSONText.parse(Array(#"{"$version":6}"#.utf8)).get(), version: 6))
        #expect(azure.interpret(MQTTMessage(topic: "az/twin/PATCH/properties/desired/?$version=5", text: "nope")) == nil)
    }

    @Test func decodesTheCloudToDeviceProperties() {
        let message = azure.interpret(
            MQTTMessage(
                topic: "az/messages/devicebound/%24.mid=m1&%24.to=%2Fdevices%2Fd%2Fmessages%2FdeviceBound&colour=dark%20red&flag",
                text: "hello"))
        #expect(
            message
                == .cloudMessage(
                    CloudMessage(
                        properties: [
                            .init("$.mid", "m1"), .init("$.to", "/devices/d/messages/deviceBound"), .init("colour", "dark red"),
                            .init("flag", ""),
                        ], payload: Array("hello".utf8))))
        #expect(
            azure.interpret(MQTTMessage(topic: "az/messages/devicebound/", text: "x"))
                == .cloudMessage(CloudMessage(properties: [], payload: Array("x".utf8))))
    }

    @Test func writesTwinRequests() throws {
        #expect(azure.twinRequest(requestID: "12") == MQTTMessage(topic: "az/twin/GET/?$rid=12", payload: [], qos: .atLeastOnce))
        let patch = try JSONText.parse(Array(#"{"firmware":{"version":"1.2"},"gone":null}"#.utf8)).get()
        #expect(
            azure.reportedPatch(patch, requestID: "13")
                == MQTTMessage(
                    topic: "az/twin/PATCH/properties/reported/?$rid=13", text: #"{"firmware":{"version":"1.2"},"gone":null}"#,
                    qos: .atLeastOnce))
        #expect(azure.desiredTopicPrefix == "az/twin/desired/")
        #expect(azure.interpret(MQTTMessage(topic: "az/messages/events/", text: "x")) == nil)
    }

    @Test func theMapperDescribesThem() {
        let description = AzureProvider().mapper(ConnectionContext.sample(for: AzureProvider()).config)
        #expect(description?.operations?.handlerDirectory == "operations/az")
        #expect(description?.operations?.subscriptions.contains("az/twin/PATCH/properties/desired/#") == true)
    }
}
