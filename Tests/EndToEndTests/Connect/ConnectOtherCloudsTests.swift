import Foundation
import TedgeProviderAPI
import Testing

/// `connect` / measurement / `disconnect` for Cumulocity and the AWS plugin, against the simulator.
@Suite(.serialized) struct ConnectOtherCloudsTests {
    @Test func cumulocity() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepare(cloud: "c8y")
        let (cloud, inbox) = try await device.cloudClient(subscribing: ["measurement/measurements/create"])
        defer { cloud.disconnect() }

        let connect = try await device.tedge("connect", "c8y")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Try 1 / 2: Sending a message to Cumulocity. "))
        #expect(
            connect.standardOutput.contains(
                "... No response. If the device is new, it's normal to get no response in the first try."))
        #expect(connect.standardOutput.contains("Received expected response message, connection check is successful."))
        #expect(
            connect.standardOutput.contains(
                "Restarting mosquitto to resubscribe to bridged inbound cloud topics after device creation."))
        #expect(connect.standardOutput.contains("tedge-mapper-c8y service successfully started and enabled!"))
        // The tenant check: the simulator's token names localhost, the configured host.
        #expect(!connect.standardOutput.contains("Warning: Connecting to"))
        #expect(!connect.standardOutput.contains("Failed to get the connected tenant URL"))
        #expect(try String(contentsOfFile: device.simulatorLog, encoding: .utf8).contains("c8y: issued a token"))

        // A measurement through the Cumulocity mapper and bridge.
        await device.waitForMapperUp("c8y")
        device.expectSuccess(try await device.tedge("mqtt", "pub", "tedge/measurements", #"{"temperature": 21.5}"#, "-q", "1"))
        let measurement = await inbox.next(timeout: .seconds(15))
        #expect(
            measurement?.text?.hasPrefix(#"{"type":"ThinEdgeMeasurement","temperature":{"temperature":{"value":21.5}},"time":""#)
                == true)

        // An operation sent down by the cloud arrives locally.
        let (local, localInbox) = try await device.localClient(subscribing: ["c8y/s/ds"])
        defer { local.disconnect() }
        _ = try cloud.publish(MQTTMessage(topic: "s/ds", text: "510,my-device", qos: .atLeastOnce))
        #expect(await localInbox.next(timeout: .seconds(15))?.text == "510,my-device")

        // The device exists now: --test succeeds at the first try.
        let test = try await device.tedge("connect", "c8y", "--test")
        device.expectSuccess(test)
        #expect(!test.standardOutput.contains("Try 2 / 2"))

        let disconnect = try await device.tedge("disconnect", "c8y")
        device.expectSuccess(disconnect)
        #expect(disconnect.standardOutput.contains("C8y Bridge successfully disconnected!"))
        #expect(disconnect.standardOutput.contains("tedge-mapper-c8y service successfully stopped and disabled!"))
    }

    @Test func awsPlugin() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepare(cloud: "aws")
        let (cloud, inbox) = try await device.cloudClient(subscribing: ["thinedge/my-device/td/#"])
        defer { cloud.disconnect() }

        let connect = try await device.tedge("connect", "aws")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Received expected response message, connection check is successful."))
        #expect(connect.standardOutput.contains("tedge-mapper-aws service successfully started and enabled!"))
        let bridge = try String(contentsOfFile: device.configDirectory + "/mosquitto-conf/aws-bridge.conf", encoding: .utf8)
        #expect(bridge.contains("connection edge_to_aws"))

        await device.waitForMapperUp("aws")
        device.expectSuccess(try await device.tedge("mqtt", "pub", "tedge/measurements", #"{"temperature": 19}"#, "-q", "1"))
        let telemetry = await inbox.nextIgnoringServiceHealth(timeout: .seconds(15))
        #expect(telemetry?.topic == "thinedge/my-device/td/measurements")
        #expect(telemetry?.text?.hasPrefix(#"{"temperature":19.0,"time":""#) == true)

        device.expectSuccess(try await device.tedge("connect", "aws", "--test"))
        let disconnect = try await device.tedge("disconnect", "aws")
        device.expectSuccess(disconnect)
        #expect(disconnect.standardOutput.contains("AWS Bridge successfully disconnected!"))
        #expect(try await device.tedge("connect", "aws", "--test").status == .exited(1))
    }

    @Test func twoCloudsAtOnce() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepare(cloud: "az")
        try await device.prepare(cloud: "aws")
        let (cloud, inbox) = try await device.cloudClient(subscribing: [
            "devices/my-device/messages/events/#", "thinedge/my-device/td/#",
        ])
        defer { cloud.disconnect() }
        device.expectSuccess(try await device.tedge("connect", "az"))
        device.expectSuccess(try await device.tedge("connect", "aws"))
        await device.waitForMapperUp("az")
        await device.waitForMapperUp("aws")
        device.expectSuccess(try await device.tedge("mqtt", "pub", "tedge/measurements", #"{"both": 1}"#, "-q", "1"))
        var topics: Set<String> = []
        while topics.count < 2, let message = await inbox.nextIgnoringServiceHealth(timeout: .seconds(15)) {
            topics.insert(message.topic)
        }
        // Azure's mapper marks the body as UTF-8 JSON in the topic's property bag (az.mapper.message_properties).
        #expect(
            topics == [
                "devices/my-device/messages/events/$.ct=application%2Fjson&$.ce=utf-8", "thinedge/my-device/td/measurements",
            ])
    }
}
