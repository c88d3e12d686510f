import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import Testing

/// AWS, the same shape where AWS has it: a command on `thinedge/<id>/cmd/<name>/<request-id>` runs
/// `operations/aws/<name>` and its answer comes back on `thinedge/<id>/td/cmd/<name>/<request-id>`; the named shadow
/// `tedge` carries desired state to the device and twin fragments to the reported state.
@Suite(.serialized) struct CloudAwsOperationsTests {
    @Test(arguments: [false, true]) func commandsAndTheNamedShadow(builtInBridge: Bool) async throws {
        let device = try await OperationsDevice(
            cloud: "aws", builtInBridge: builtInBridge,
            handlers: ["echo": "#!/bin/sh\nprintf '{\"in\":%s,\"name\":\"%s\"}' \"$(cat)\" \"$TEDGE_METHOD_NAME\"\n"])
        try device.handler("desired/fan", "#!/bin/sh\ncat > \(device.output)/fan.value\n")
        try await device.connect()
        let (cloud, answers) = try await device.device.cloudClient(subscribing: ["thinedge/my-device/td/cmd/#"])
        defer { cloud.disconnect() }
        _ = try cloud.publish(MQTTMessage(topic: "thinedge/my-device/cmd/echo/r1", text: #"{"x":1}"#, qos: .atLeastOnce))
        _ = try cloud.publish(MQTTMessage(topic: "thinedge/my-device/cmd/../echo/r2", text: "{}", qos: .atLeastOnce))
        var received: [String: String] = [:]
        while received.count < 2, let answer = await answers.next(timeout: .seconds(20)) { received[answer.topic] = answer.text }
        #expect(received["thinedge/my-device/td/cmd/echo/r1"] == #"{"status":200,"payload":{"in":{"x":1},"name":"echo"}}"#)
        #expect(received["thinedge/my-device/td/cmd/../echo/r2"]?.hasPrefix(#"{"status":400,"#) == true, "\(received)")

        // Desired state from the service side reaches its retained topic and handler.
        device.device.expectSuccess(
            try await device.device.simulatorCommand("shadow", "my-device", "--desired", #"{"fan":"on"}"#))
        #expect(await device.waitFor("fan.value") == #""on""#)
        let retained = try await device.device.tedge("mqtt", "sub", "aws/twin/desired/+", "--retained-only")
        #expect(retained.standardOutput.contains(#"[aws/twin/desired/fan] "on""#), "\(retained.standardOutput)")

        // A twin fragment published locally becomes reported state.
        device.device.expectSuccess(
            try await device.device.tedge("mqtt", "pub", "-r", "-q", "1", "te/device/main///twin/firmware", #"{"version":"1.2"}"#)
        )
        let reported = try await device.simulatorOutput(
            "shadow", "my-device", "--reported", containing: #""firmware":{"version":"1.2"}"#)
        #expect(reported.contains(#""firmware":{"version":"1.2"}"#), "\(reported)")
        // Updates are not echoed back and forth over the bridge bridged both ways (`shadow/#`): a few, not a storm.
        try await Task.sleep(for: .seconds(1))
        let updates =
            ((try? String(contentsOfFile: device.device.simulatorLog, encoding: .utf8)) ?? "")
            .components(separatedBy: "answered update").count - 1
        #expect(updates >= 1 && updates <= 3, "\(updates) shadow updates")
    }
}
