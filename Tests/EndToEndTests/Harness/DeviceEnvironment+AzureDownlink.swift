import TedgeMosquitto
import TedgeProviderAPI
import Testing

extension DeviceEnvironment {
    /// Azure's cloud-to-device direction through whichever bridge is connected: a devicebound message reaches the
    /// local `az/messages/devicebound/…`, a direct method reaches `az/methods/POST/…` and the mapper answers it (no
    /// handler in operations/az/: 404), and a local answer crosses the bridge as it is. `cloud` is a client on the
    /// simulator's backend.
    func expectAzureDownlinkAndMethods(cloud: MQTTClient) async throws {
        let (local, localInbox) = try await localClient(subscribing: ["az/messages/devicebound/#", "az/methods/POST/#"])
        defer { local.disconnect() }
        // Each device's `$iothub/…` is under `devices/<id>/` on the simulator's backend.
        let (methods, methodInbox) = try await cloudClient(subscribing: ["devices/my-device/$iothub/methods/res/#"])
        defer { methods.disconnect() }
        let c2d = try cloud.publish(
            MQTTMessage(topic: "devices/my-device/messages/devicebound/%24.to=x", text: "hello device", qos: .atLeastOnce))
        try await cloud.waitForDelivery(of: c2d, timeout: .seconds(10))
        let downlink = await localInbox.next(timeout: .seconds(15))
        #expect(downlink?.topic == "az/messages/devicebound/%24.to=x")
        #expect(downlink?.text == "hello device")
        _ = try cloud.publish(
            MQTTMessage(topic: "devices/my-device/$iothub/methods/POST/reboot/?$rid=7", text: "{}", qos: .atLeastOnce))
        let method = await localInbox.next(timeout: .seconds(15))
        #expect(method?.topic == "az/methods/POST/reboot/?$rid=7")
        _ = try local.publish(MQTTMessage(topic: "az/methods/res/200/?$rid=77", text: #"{"ok":true}"#, qos: .atLeastOnce))
        var replies: [String] = []
        while replies.count < 2, let reply = await methodInbox.next(timeout: .seconds(15)) { replies.append(reply.topic) }
        #expect(
            Set(replies) == [
                "devices/my-device/$iothub/methods/res/404/?$rid=7", "devices/my-device/$iothub/methods/res/200/?$rid=77",
            ])
    }
}
