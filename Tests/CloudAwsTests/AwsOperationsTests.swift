import TedgeCloudAws
import TedgeProviderAPI
import Testing

/// AWS commands and the named shadow `tedge` as `AwsOperations` reads and writes them.
@Suite struct AwsOperationsTests {
    let aws = AwsOperations()

    private func json(_ text: String) -> JSONValue { try! JSONText.parse(Array(text.utf8)).get() }

    @Test func commandsAndTheirAnswers() {
        let call = CloudMethodCall(name: "reboot", requestID: "42", payload: Array("{}".utf8))
        #expect(aws.interpret(MQTTMessage(topic: "aws/cmd/reboot/42", text: "{}")) == .methodCall(call))
        #expect(
            aws.interpret(MQTTMessage(topic: "aws/cmd/../bin/sh/1", text: ""))
                == .methodCall(CloudMethodCall(name: "../bin/sh", requestID: "1", payload: [])))
        #expect(
            aws.interpret(MQTTMessage(topic: "aws/cmd/reboot", text: ""))
                == .unanswerable("a command without a request id on aws/cmd/reboot"))
        #expect(
            aws.interpret(MQTTMessage(topic: "aws/cmd/reboot/", text: ""))
                == .unanswerable("a command without a request id on aws/cmd/reboot/"))
        #expect(
            aws.methodResponse(to: call, status: 200, payload: Array(#"{"ok":true}"#.utf8))
                == MQTTMessage(topic: "aws/td/cmd/reboot/42", text: #"{"status":200,"payload":{"ok":true}}"#, qos: .atLeastOnce))
    }

    @Test func theNamedShadowPlaysTheTwin() {
        #expect(
            aws.twinRequest(requestID: "7")
                == MQTTMessage(topic: "aws/shadow/name/tedge/get", text: #"{"clientToken":"7"}"#, qos: .atLeastOnce))
        #expect(
            aws.reportedPatch(json(#"{"firmware":{"version":"1.2"}}"#), requestID: "8")
                == MQTTMessage(
                    topic: "aws/shadow/name/tedge/update",
                    text: #"{"state":{"reported":{"firmware":{"version":"1.2"}}},"clientToken":"8"}"#, qos: .atLeastOnce))
        #expect(
            aws.interpret(
                MQTTMessage(
                    topic: "aws/shadow/name/tedge/get/accepted",
                    text: #"{"state":{"desired":{"fan":"on"},"reported":{}},"version":5,"clientToken":"7"}"#))
                == .twinAnswer(TwinAnswer(requestID: "7", status: 200, desired: json(#"{"fan":"on"}"#), version: 5)))
        // No shadow yet: nothing desired.
        #expect(
            aws.interpret(
                MQTTMessage(
                    topic: "aws/shadow/name/tedge/get/rejected",
                    text: #"{"code":404,"message":"No shadow exists","clientToken":"7"}"#))
                == .twinAnswer(TwinAnswer(requestID: "7", status: 200, desired: .object([]))))
        #expect(
            aws.interpret(
                MQTTMessage(
                    topic: "aws/shadow/name/tedge/update/rejected", text: #"{"code":400,"message":"bad","clientToken":"8"}"#))
                == .twinAnswer(TwinAnswer(requestID: "8", status: 400, message: "bad")))
        #expect(
            aws.interpret(MQTTMessage(topic: "aws/shadow/name/tedge/update/accepted", text: #"{"version":6,"clientToken":"8"}"#))
                == .twinAnswer(TwinAnswer(requestID: "8", status: 200, version: 6)))
        #expect(
            aws.interpret(
                MQTTMessage(
                    topic: "aws/shadow/name/tedge/update/documents",
                    text: #"{"previous":{},"current":{"state":{"desired":{"fan":"off"}},"version":9}}"#))
                == .desiredDocument(json(#"{"fan":"off"}"#), version: 9))
        #expect(aws.interpret(MQTTMessage(topic: "aws/shadow/name/other/get/accepted", text: "{}")) == nil)
    }

    @Test func underTheConfiguredPrefix() {
        let custom = AwsOperations(topicPrefix: "edge")
        #expect(custom.subscriptions.first == "edge/cmd/#")
        #expect(custom.desiredTopicPrefix == "edge/twin/desired/")
        #expect(custom.linkServices == ["mosquitto-edge-bridge", "tedge-mapper-bridge-edge"])
        #expect(
            AwsProvider().mapper(ConnectionContext.sample(for: AwsProvider()).config)?.operations?.handlerDirectory
                == "operations/aws")
    }
}
