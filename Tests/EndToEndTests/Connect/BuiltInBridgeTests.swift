import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import Testing

/// `mqtt.bridge.built_in = true`: `tedge connect` writes no mosquitto bridge and the mapper carries the traffic to
/// and from the simulator itself, over mutual TLS, through its durable store.
@Suite(.serialized) struct BuiltInBridgeTests {
    static let transcriptLine = "Bridge: built into tedge-mapper-az; no mosquitto bridge file written."

    @Test func azureBothWays() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure()
        try await device.useBuiltInBridge()
        let (cloud, cloudInbox) = try await device.cloudClient(subscribing: ["devices/my-device/messages/events/#"])
        defer { cloud.disconnect() }

        let connect = try await device.tedge("connect", "az")
        device.expectSuccess(connect)
        let lines = connect.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains(Self.transcriptLine))
        #expect(!lines.contains("Successfully created bridge connection!"))
        #expect(lines.last == "Received expected response message, connection check is successful.")
        #expect(!FileManager.default.fileExists(atPath: device.bridgeFile))

        // Device to cloud: an application on the cloud prefix, and a measurement converted by the mapper.
        device.expectSuccess(try await device.tedge("mqtt", "pub", "az/messages/events/", #"{"temperature": 20}"#, "-q", "1"))
        let telemetry = await cloudInbox.nextIgnoringServiceHealth(timeout: .seconds(15))
        #expect(telemetry?.topic == "devices/my-device/messages/events/")
        #expect(telemetry?.text == #"{"temperature": 20}"#)
        device.expectSuccess(try await device.tedge("mqtt", "pub", "tedge/measurements", #"{"pressure": 3}"#, "-q", "1"))
        let measurement = await cloudInbox.nextIgnoringServiceHealth(timeout: .seconds(15))
        #expect(measurement?.topic.hasPrefix("devices/my-device/messages/events/") == true)
        #expect(measurement?.text?.contains(#""pressure":3"#) == true)

        // Cloud to device, and a direct method round trip.
        try await device.expectAzureDownlinkAndMethods(cloud: cloud)

        // Health and the store's figures, retained.
        let (status, statusInbox) = try await device.localClient(subscribing: [
            "te/device/main/service/tedge-mapper-bridge-az/status/health"
        ])
        #expect(await statusInbox.next(timeout: .seconds(5))?.text == #"{"status":"up"}"#)
        status.disconnect()

        // --test, a second connect, disconnect.
        device.expectSuccess(try await device.tedge("connect", "az", "--test"))
        let again = try await device.tedge("connect", "az")
        #expect(again.status == .exited(1))
        let disconnect = try await device.tedge("disconnect", "az")
        device.expectSuccess(disconnect)
        #expect(disconnect.standardOutput.contains("Azure Bridge successfully disconnected!"))
        #expect(try await device.tedge("connect", "az", "--test").status == .exited(1))
    }

    @Test func cumulocity() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepare(cloud: "c8y")
        try await device.useBuiltInBridge()
        let (cloud, inbox) = try await device.cloudClient(subscribing: ["measurement/measurements/create"])
        defer { cloud.disconnect() }

        let connect = try await device.tedge("connect", "c8y")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Bridge: built into tedge-mapper-c8y; no mosquitto bridge file written."))
        #expect(connect.standardOutput.contains("Received expected response message, connection check is successful."))
        #expect(!FileManager.default.fileExists(atPath: device.configDirectory + "/mosquitto-conf/c8y-bridge.conf"))

        device.expectSuccess(try await device.tedge("mqtt", "pub", "tedge/measurements", #"{"temperature": 21.5}"#, "-q", "1"))
        let measurement = await inbox.next(timeout: .seconds(15))
        #expect(
            measurement?.text?.hasPrefix(#"{"type":"ThinEdgeMeasurement","temperature":{"temperature":{"value":21.5}}"#) == true)

        // An operation sent down by the cloud arrives locally.
        let (local, localInbox) = try await device.localClient(subscribing: ["c8y/s/ds"])
        defer { local.disconnect() }
        _ = try cloud.publish(MQTTMessage(topic: "s/ds", text: "510,my-device", qos: .atLeastOnce))
        #expect(await localInbox.next(timeout: .seconds(15))?.text == "510,my-device")

        device.expectSuccess(try await device.tedge("connect", "c8y", "--test"))
        let disconnect = try await device.tedge("disconnect", "c8y")
        device.expectSuccess(disconnect)
        #expect(disconnect.standardOutput.contains("C8y Bridge successfully disconnected!"))
    }

    @Test func aws() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepare(cloud: "aws")
        try await device.useBuiltInBridge()
        let (cloud, inbox) = try await device.cloudClient(subscribing: ["thinedge/my-device/td/#"])
        defer { cloud.disconnect() }

        let connect = try await device.tedge("connect", "aws")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Bridge: built into tedge-mapper-aws; no mosquitto bridge file written."))
        #expect(connect.standardOutput.contains("Received expected response message, connection check is successful."))

        device.expectSuccess(try await device.tedge("mqtt", "pub", "tedge/measurements", #"{"temperature": 19}"#, "-q", "1"))
        let telemetry = await inbox.nextIgnoringServiceHealth(timeout: .seconds(15))
        #expect(telemetry?.topic == "thinedge/my-device/td/measurements")
        #expect(telemetry?.text?.hasPrefix(#"{"temperature":19.0,"time":""#) == true)

        device.expectSuccess(try await device.tedge("connect", "aws", "--test"))
        device.expectSuccess(try await device.tedge("disconnect", "aws"))
        #expect(try await device.tedge("connect", "aws", "--test").status == .exited(1))
    }

    /// The cloud connection through an HTTP proxy's CONNECT tunnel (`proxy.address`), and a proxy that refuses.
    @Test func throughAProxy() async throws {
        let proxy = try TunnelProxy()
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure()
        try await device.useBuiltInBridge()
        device.expectSuccess(try await device.tedge("config", "set", "proxy.address", "http://127.0.0.1:\(proxy.port)"))
        let connect = try await device.tedge("connect", "az")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Received expected response message, connection check is successful."))
        #expect(proxy.requestedTargets.contains("localhost:\(device.simulatorTLSPort)"), "\(proxy.requestedTargets)")
        device.expectSuccess(try await device.tedge("disconnect", "az"))

        // Nothing listens on the proxy's address now: the check fails and the mapper's log says why.
        let refusing = PortProbe.freePort()
        device.expectSuccess(try await device.tedge("config", "set", "proxy.address", "http://127.0.0.1:\(refusing)"))
        let failed = try await device.tedge("connect", "az")
        #expect(failed.standardOutput.contains("Warning: the built-in bridge did not report \"up\""))
        let log = try String(contentsOfFile: device.initState + "/tedge-mapper-az.log", encoding: .utf8)
        #expect(log.contains("cannot connect to the proxy 127.0.0.1:\(refusing)"), "\(log.suffix(600))")
    }
}

extension DeviceEnvironment {
    /// Built-in bridge on, its store in this device's directory, quick reconnects to the simulator.
    func useBuiltInBridge(storeMaxSize: Int? = nil) async throws {
        for (key, value) in [
            ("mqtt.bridge.built_in", "true"), ("mqtt.bridge.store.path", root + "/bridge-store"),
            ("mqtt.bridge.reconnect_policy.initial_interval", "200ms"),
            ("mqtt.bridge.reconnect_policy.maximum_interval", "1s"),
        ] + (storeMaxSize.map { [("mqtt.bridge.store.max_size", String($0))] } ?? []) {
            expectSuccess(try await tedge("config", "set", key, value))
        }
    }
}
