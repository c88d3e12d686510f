import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import Testing

/// Two connections to one cloud (thin-edge's cloud profiles): the default Azure profile and the profile `second`,
/// connected at once to two simulated IoT Hubs, through mosquitto bridges and through the built-in bridge. What is
/// published on a profile's prefix reaches its own hub only, and disconnecting one profile leaves the other working.
@Suite(.serialized) struct CloudProfilesTests {
    static let events = "devices/my-device/messages/events/#"

    @Test(arguments: [false, true])
    func twoAzureHubsAtOnce(builtInBridge: Bool) async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure()
        let second = try await device.startExtraSimulator("hub2")
        try await device.register(in: second.directory)
        device.expectSuccess(try await device.tedge("config", "set", "az.url", "localhost:\(second.tlsPort)", "--profile", "second"))
        // TEDGE_CLOUD_PROFILE selects the profile as --profile does.
        device.expectSuccess(
            try await device.tedge(
                arguments: ["config", "set", "az.root.cert.path", second.caPath],
                extraEnvironment: ["TEDGE_CLOUD_PROFILE": "second"]))
        if builtInBridge { try await device.useBuiltInBridge() }
        // A method handler shared by both connections, which tells them apart by TEDGE_CLOUD_PROFILE.
        if getuid() == 0 { device.expectSuccess(try await device.tedge("config", "set", "operations.user", "nobody")) }
        let handlers = device.configDirectory + "/operations/az"
        try FileManager.default.createDirectory(atPath: handlers, withIntermediateDirectories: true)
        try "#!/bin/sh\nprintf '\"%s\"' \"${TEDGE_CLOUD_PROFILE:-default}\"\n".write(
            toFile: handlers + "/whoami", atomically: true, encoding: .utf8)
        chmod(handlers + "/whoami", 0o755)
        let profileBridge = device.configDirectory + "/mosquitto-conf/az@second-bridge.conf"

        // Both profiles would use the local prefix `az`: refused before anything is written, in thin-edge's words.
        let refused = try await device.tedge("connect", "az", "--profile", "second")
        #expect(refused.status == .exited(1))
        #expect(
            refused.standardError.contains(
                "The configurations: az.bridge.topic_prefix, az.profiles.second.bridge.topic_prefix should be set to different values before connecting, but are currently set to the same value"
            ))
        #expect(!FileManager.default.fileExists(atPath: profileBridge))

        device.expectSuccess(try await device.tedge("config", "set", "az.bridge.topic_prefix", "az-second", "--profile", "second"))
        #expect(try await device.tedge("config", "get", "az.profiles.second.bridge.topic_prefix").standardOutput == "az-second\n")
        for arguments in [["connect", "az"], ["connect", "az", "--profile", "second"]] {
            let connect = try await device.tedge(arguments: arguments)
            device.expectSuccess(connect)
            #expect(connect.standardOutput.hasSuffix("Received expected response message, connection check is successful.\n\n"))
            #expect(!connect.standardOutput.contains("Warning"))
        }
        #expect(FileManager.default.fileExists(atPath: profileBridge) == !builtInBridge)
        if !builtInBridge {
            let bridge = try String(contentsOfFile: profileBridge, encoding: .utf8)
            #expect(bridge.contains("connection edge_to_az@second\n") && bridge.contains("address localhost:\(second.tlsPort)\n"))
        }
        let inspect = try await device.tedge("bridge", "inspect", "az", "--profile", "second").standardOutput
        #expect(
            inspect.split(separator: "\n").contains {
                $0.hasPrefix("  az-second/messages/events/# ") && $0.hasSuffix(" ->  devices/my-device/messages/events/#")
            })
        // The profile's mapper runs as tedge-mapper-az@second and is the te/ service tedge-mapper-az-second.
        #expect(device.pid(of: "tedge-mapper-az@second") != nil)
        let defaults = TedgeConfig(schema: CloudRegistry([]).configSchema, directory: device.configDirectory)
        try await MapperHealth(serviceName: "tedge-mapper-az-second", config: defaults).expectUp(port: device.mqttPort)

        let (hub1, hub1Inbox) = try await device.cloudClient(subscribing: [Self.events])
        defer { hub1.disconnect() }
        let (hub2, hub2Inbox) = try await device.cloudClient(subscribing: [Self.events], port: second.backendPort)
        defer { hub2.disconnect() }

        // One publisher, in this order: a message wrongly bridged by a profile would reach its hub before the end mark.
        for (topic, text) in [
            ("az/messages/events/", "for hub 1"), ("az-second/messages/events/", "for hub 2"),
            ("az/messages/events/", "end 1"), ("az-second/messages/events/", "end 2"),
        ] {
            device.expectSuccess(try await device.tedge("mqtt", "pub", topic, text, "-q", "1"))
        }
        #expect(await Self.texts(hub1Inbox, until: "end 1") == ["for hub 1", "end 1"])
        #expect(await Self.texts(hub2Inbox, until: "end 2") == ["for hub 2", "end 2"])

        // Each hub's direct method reaches the mapper of its own profile, under its own prefix.
        for (directory, profile) in [(device.simulatorDirectory, "default"), (second.directory, "second")] {
            let answer = try await ChildProcess.run([
                Binaries.simulator, "invoke", "--dir", directory, "my-device", "whoami", "{}", "--timeout", "20",
            ])
            #expect(answer.standardOutput == #"{"status":200,"payload":"\#(profile)"}"# + "\n", "\(answer.standardError)")
        }

        // Disconnecting the profile leaves the default connection up.
        let disconnect = try await device.tedge("disconnect", "az", "--profile", "second")
        device.expectSuccess(disconnect)
        #expect(disconnect.standardOutput.contains("tedge-mapper-az@second service successfully stopped and disabled!"))
        #expect(!FileManager.default.fileExists(atPath: profileBridge))
        #expect(device.pid(of: "tedge-mapper-az@second") == nil)
        #expect(try await device.tedge("connect", "az", "--profile", "second", "--test").status == .exited(1))
        device.expectSuccess(try await device.tedge("connect", "az", "--test"))
        device.expectSuccess(try await device.tedge("mqtt", "pub", "az/messages/events/", "still hub 1", "-q", "1"))
        #expect(await Self.texts(hub1Inbox, until: "still hub 1") == ["still hub 1"])
    }

    /// A user-defined cloud has profiles with no code either: the example ThingsBoard-like cloud connected twice, its
    /// second profile's bridge rules, connection check and Lua flow moved to the profile's prefix.
    @Test func aUserDefinedCloudHasProfilesToo() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator(extraArguments: ["--echo", UserDefinedCloudTests.echo])
        try device.installExample()
        try "exec tedge-mapper --config-dir '\(device.configDirectory)' thingsboard --profile \"$1\"\n".write(
            toFile: device.initState + "/tedge-mapper-thingsboard@.command", atomically: true, encoding: .utf8)
        try await device.prepare(cloud: "thingsboard")
        let second = try await device.startExtraSimulator("hub2", extraArguments: ["--echo", UserDefinedCloudTests.echo])
        try await device.register(in: second.directory)
        for (key, value) in [
            ("thingsboard.url", "localhost:\(second.tlsPort)"), ("thingsboard.root.cert.path", second.caPath),
            ("thingsboard.bridge.topic_prefix", "thingsboard-second"),
        ] {
            device.expectSuccess(try await device.tedge("config", "set", key, value, "--profile", "second"))
        }
        let telemetry = "v1/devices/me/telemetry"
        let (hub1, hub1Inbox) = try await device.cloudClient(subscribing: [telemetry])
        defer { hub1.disconnect() }
        let (hub2, hub2Inbox) = try await device.cloudClient(subscribing: [telemetry], port: second.backendPort)
        defer { hub2.disconnect() }

        for arguments in [["connect", "thingsboard"], ["connect", "thingsboard", "--profile", "second"]] {
            let connect = try await device.tedge(arguments: arguments)
            device.expectSuccess(connect)
            #expect(connect.standardOutput.hasSuffix("Received expected response message, connection check is successful.\n\n"))
        }
        let bridge = try String(
            contentsOfFile: device.configDirectory + "/mosquitto-conf/thingsboard@second-bridge.conf", encoding: .utf8)
        #expect(bridge.contains("topic telemetry out 1 thingsboard-second/ v1/devices/me/\n"))

        // Each profile's mapper runs the flow and publishes under its own prefix, so each hub gets the measurement.
        device.expectSuccess(
            try await device.tedge(
                "mqtt", "pub", "te/device/main///m/environment", #"{"temperature": 21.5, "time": 1700000000.5}"#, "-q", "1"))
        let mapped = #"{"ts":1700000000500,"values":{"temperature":21.5}}"#
        #expect(await hub1Inbox.next(timeout: .seconds(20))?.text == mapped)
        #expect(await hub2Inbox.next(timeout: .seconds(20))?.text == mapped)
        // What is published on a profile's prefix goes to that profile's cloud.
        device.expectSuccess(try await device.tedge("mqtt", "pub", "thingsboard-second/telemetry", "direct 2", "-q", "1"))
        #expect(await hub2Inbox.next(timeout: .seconds(20))?.text == "direct 2")
    }

    /// The texts a hub receives up to and including `last` (services' health, which the mappers forward, left out).
    static func texts(_ inbox: MessageInbox, until last: String) async -> [String] {
        var texts: [String] = []
        while let message = await inbox.nextIgnoringServiceHealth(timeout: .seconds(20)), let text = message.text {
            texts.append(text)
            if text == last { break }
        }
        return texts
    }
}
