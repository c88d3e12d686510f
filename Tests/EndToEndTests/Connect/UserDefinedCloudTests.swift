import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeTestSupport
import Testing

/// A cloud with no code: Examples/UserDefinedCloud/thingsboard copied into the config directory, verified, connected
/// with the built binaries to the simulator playing a generic MQTT cloud (device certificate, any topics, an echo for
/// the connection check), a `te/` measurement arriving in ThingsBoard's telemetry format through the mosquitto bridge.
@Suite(.serialized) struct UserDefinedCloudTests {
    /// ThingsBoard answers an attribute request on the response topic with the same id.
    static let echo = "v1/devices/me/attributes/request/+=v1/devices/me/attributes/response/+"

    @Test func theExampleConnectsAndItsLuaFlowMapsMeasurementsIntoThingsBoardTelemetry() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator(extraArguments: ["--echo", Self.echo])
        try device.installExample()
        try await device.prepare(cloud: "thingsboard")

        let list = try await device.tedge("mapper", "list")
        device.expectSuccess(list)
        #expect(list.standardOutput == "thingsboard\tlocalhost:\(device.simulatorTLSPort)\tmy-device [cert CN]\t\n")
        let verify = try await device.tedge("mapper", "verify", "thingsboard")
        device.expectSuccess(verify)
        #expect(verify.standardOutput.contains("passes the provider contract: 6 bridge rules from 1 file."))

        let (cloud, inbox) = try await device.cloudClient(subscribing: ["v1/devices/me/telemetry"])
        defer { cloud.disconnect() }
        let connect = try await device.tedge("connect", "thingsboard")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Received expected response message, connection check is successful."))
        #expect(connect.standardOutput.contains("tedge-mapper-thingsboard service successfully started and enabled!"))
        let bridge = try String(
            contentsOfFile: device.configDirectory + "/mosquitto-conf/thingsboard-bridge.conf", encoding: .utf8)
        #expect(bridge.contains("connection edge_to_thingsboard\n"))
        #expect(bridge.contains("topic telemetry out 1 thingsboard/ v1/devices/me/\n"))
        #expect(
            try String(contentsOfFile: device.simulatorLog, encoding: .utf8).contains(
                "echo: v1/devices/me/attributes/request/1 answered on v1/devices/me/attributes/response/1"))

        // The flow (flows/telemetry.toml, a Lua step) maps; the mosquitto bridge carries it to the cloud.
        await device.waitForMapperUp("thingsboard")
        device.expectSuccess(
            try await device.tedge(
                "mqtt", "pub", "te/device/main///m/environment", #"{"temperature": 21.5, "time": 1700000000.5}"#, "-q", "1"))
        let telemetry = await inbox.next(timeout: .seconds(15))
        #expect(telemetry?.topic == "v1/devices/me/telemetry")
        #expect(telemetry?.text == #"{"ts":1700000000500,"values":{"temperature":21.5}}"#)
        device.expectSuccess(
            try await device.tedge("mqtt", "pub", "te/device/main///m/", #"{"pressure": {"inside": 1013}}"#, "-q", "1"))
        let grouped = await inbox.next(timeout: .seconds(15))
        #expect(grouped?.text?.hasPrefix(#"{"ts":"#) == true)
        #expect(grouped?.text?.hasSuffix(#","values":{"pressure":{"inside":1013}}}"#) == true)

        // On start, the mapper says which flows it runs; a message the Lua step fails on is reported, and mapping goes on.
        let (local, localInbox) = try await device.localClient(subscribing: [
            "te/device/main/service/tedge-mapper-thingsboard/status/flows", "te/errors",
        ])
        defer { local.disconnect() }
        _ = try await ChildProcess.run(
            [Binaries.script("local-init"), device.initState, "restart", "tedge-mapper-thingsboard"],
            environment: device.environment)
        let status = await localInbox.next(timeout: .seconds(15))
        #expect(status?.topic == "te/device/main/service/tedge-mapper-thingsboard/status/flows")
        #expect(
            status?.text?.hasPrefix(
                #"{"flow":"\#(device.configDirectory)/mappers/thingsboard/flows/telemetry.toml","status":"enabled","time":"#)
                == true)
        device.expectSuccess(try await device.tedge("mqtt", "pub", "te/device/main///m/environment", "not json", "-q", "1"))
        let error = await localInbox.next(timeout: .seconds(15))
        #expect(error?.topic == "te/errors")
        #expect(
            error?.text?.hasPrefix(
                "Error in \(device.configDirectory)/mappers/thingsboard/flows/telemetry.toml: No messages can be processed due to an incorrect setting: Lua error: "
            )
                == true)
        device.expectSuccess(
            try await device.tedge(
                "mqtt", "pub", "te/device/main///m/environment", #"{"temperature": 22, "time": 1700000001}"#, "-q", "1"))
        #expect(await inbox.next(timeout: .seconds(15))?.text == #"{"ts":1700000001000,"values":{"temperature":22}}"#)

        device.expectSuccess(try await device.tedge("connect", "thingsboard", "--test"))
        // Broken after connecting: no longer a cloud to test, still one to disconnect.
        let mapperFile = device.configDirectory + "/mappers/thingsboard/mapper.toml"
        try "url = [".write(toFile: mapperFile, atomically: true, encoding: .utf8)
        let test = try await device.tedge("connect", "thingsboard", "--test")
        #expect(test.status == .exited(1))
        #expect(test.standardError.contains("\(mapperFile):1: provider 'thingsboard' breaks \"definition files are valid TOML\""))
        let disconnect = try await device.tedge("disconnect", "thingsboard")
        device.expectSuccess(disconnect)
        #expect(disconnect.standardOutput.contains("thingsboard Bridge successfully disconnected!"))
        #expect(disconnect.standardOutput.contains("tedge-mapper-thingsboard service successfully stopped and disabled!"))
        #expect(!FileManager.default.fileExists(atPath: device.configDirectory + "/mosquitto-conf/thingsboard-bridge.conf"))
    }

    /// The same definition with `mqtt.bridge.built_in = true`: the mapper connects to the cloud itself, from the same
    /// `BridgeDescription` the mosquitto bridge file renders.
    @Test func theExampleRunsInTheBuiltInBridgeToo() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator(extraArguments: ["--echo", Self.echo])
        try device.installExample()
        try await device.prepare(cloud: "thingsboard")
        try await device.useBuiltInBridge()
        let (cloud, inbox) = try await device.cloudClient(subscribing: ["v1/devices/me/telemetry"])
        defer { cloud.disconnect() }

        let connect = try await device.tedge("connect", "thingsboard")
        device.expectSuccess(connect)
        let lines = connect.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains("Bridge: built into tedge-mapper-thingsboard; no mosquitto bridge file written."))
        #expect(lines.last == "Received expected response message, connection check is successful.")
        #expect(!FileManager.default.fileExists(atPath: device.configDirectory + "/mosquitto-conf/thingsboard-bridge.conf"))

        // Up: the Lua flow maps, the mapper's own cloud session carries it.
        device.expectSuccess(
            try await device.tedge(
                "mqtt", "pub", "te/device/main///m/environment", #"{"temperature": 19.5, "time": 1700000002}"#, "-q", "1"))
        let telemetry = await inbox.next(timeout: .seconds(15))
        #expect(telemetry?.topic == "v1/devices/me/telemetry")
        #expect(telemetry?.text == #"{"ts":1700000002000,"values":{"temperature":19.5}}"#)

        // Down: a server-side RPC request through an inbound rule with a wildcard.
        let (local, localInbox) = try await device.localClient(subscribing: ["thingsboard/rpc/request/+"])
        defer { local.disconnect() }
        let request = try cloud.publish(
            MQTTMessage(topic: "v1/devices/me/rpc/request/5", text: #"{"method":"reboot"}"#, qos: .atLeastOnce))
        try await cloud.waitForDelivery(of: request, timeout: .seconds(10))
        let rpc = await localInbox.next(timeout: .seconds(15))
        #expect(rpc?.topic == "thingsboard/rpc/request/5")
        #expect(rpc?.text == #"{"method":"reboot"}"#)

        device.expectSuccess(try await device.tedge("connect", "thingsboard", "--test"))
        device.expectSuccess(try await device.tedge("disconnect", "thingsboard"))
        #expect(try await device.tedge("connect", "thingsboard", "--test").status == .exited(1))
    }

    /// `[device] cert_path` and `key_path`, relative to the mapper's directory: the cloud has an identity of its own,
    /// not tedge.toml's device certificate.
    @Test func aCloudWithACertificateOfItsOwn() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator(extraArguments: ["--echo", Self.echo])
        try device.installExample()
        try await device.prepare(cloud: "thingsboard")
        // A second identity, made in a config directory of its own and put beside mapper.toml.
        let other = device.root + "/other"
        device.expectSuccess(
            try await ChildProcess.run([Binaries.tedge, "--config-dir", other, "cert", "create", "--device-id", "tb-device"]))
        let mapper = device.configDirectory + "/mappers/thingsboard/"
        try FileManager.default.copyItem(atPath: other + "/device-certs/tedge-certificate.pem", toPath: mapper + "device.pem")
        try FileManager.default.copyItem(atPath: other + "/device-certs/tedge-private-key.pem", toPath: mapper + "device-key.pem")
        try await device.register(certificate: mapper + "device.pem")
        let file = mapper + "mapper.toml"
        try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "# cert_path = \"device.pem\"\n# key_path", with: "cert_path = \"device.pem\"\nkey_path")
            .write(toFile: file, atomically: true, encoding: .utf8)

        #expect(try await device.tedge("mapper", "list").standardOutput.contains("\ttb-device [cert CN]\t"))
        let (cloud, inbox) = try await device.cloudClient(subscribing: ["v1/devices/me/telemetry"])
        defer { cloud.disconnect() }
        device.expectSuccess(try await device.tedge("connect", "thingsboard"))
        let bridge = try String(
            contentsOfFile: device.configDirectory + "/mosquitto-conf/thingsboard-bridge.conf", encoding: .utf8)
        #expect(
            bridge.contains(
                "remote_clientid tb-device\nlocal_clientid tedge-bridge-thingsboard\nbridge_certfile \(mapper)device.pem\n"))
        #expect(try String(contentsOfFile: device.simulatorLog, encoding: .utf8).contains("auth: accepted tb-device"))
        await device.waitForMapperUp("thingsboard")
        device.expectSuccess(
            try await device.tedge("mqtt", "pub", "te/device/main///m/", #"{"rpm": 900, "time": 1700000003}"#, "-q", "1"))
        #expect(await inbox.next(timeout: .seconds(15))?.text == #"{"ts":1700000003000,"values":{"rpm":900}}"#)
    }

    @Test func bridgeInspectAndTestShowWhereTopicsGo() async throws {
        let device = try await DeviceEnvironment()
        try device.installExample()
        // tedge config knows its keys, defaulting to mapper.toml's values.
        #expect(try await device.tedge("config", "get", "thingsboard.url").standardOutput == "mqtt.thingsboard.cloud:8883\n")
        #expect(try await device.tedge("config", "list").standardOutput.contains("thingsboard.root.cert.path=/etc/ssl/certs\n"))

        let inspect = try await device.tedge("bridge", "inspect", "thingsboard")
        device.expectSuccess(inspect)
        #expect(
            inspect.standardOutput.hasPrefix(
                "Bridge configuration for custom mapper 'thingsboard'\nReading from: \(device.configDirectory)/mappers/thingsboard/bridge\n\nLocal -> Remote\n  thingsboard/telemetry             ->  v1/devices/me/telemetry\n"
            ))
        #expect(inspect.standardOutput.hasSuffix("Bidirectional\n  -- No matching rules --\n"))

        let outbound = try await device.tedge("bridge", "test", "thingsboard", "thingsboard/telemetry")
        #expect(outbound.status == .exited(0))
        #expect(outbound.standardOutput == "[local] thingsboard/telemetry  ->  [remote] v1/devices/me/telemetry (outbound)\n")
        let inbound = try await device.tedge("bridge", "test", "thingsboard", "v1/devices/me/rpc/request/42")
        #expect(
            inbound.standardOutput
                == "[remote] v1/devices/me/rpc/request/42  ->  [local] thingsboard/rpc/request/42 (inbound)\n  matched by rule: v1/devices/me/rpc/request/+ -> thingsboard/rpc/request/+\n"
        )
        let none = try await device.tedge("bridge", "test", "thingsboard", "te/device/main///m/environment")
        #expect(none.status == .exited(2))
        #expect(none.standardOutput == "No matching bridge rule found for \"te/device/main///m/environment\"\n")
        let wildcard = try await device.tedge("bridge", "test", "thingsboard", "thingsboard/#")
        #expect(wildcard.status == .exited(1))
        #expect(
            wildcard.standardError
                == "Error: Wildcard characters (#, +) are not supported. Provide a concrete topic to test against.\n")
    }

    /// One kind of mistake each: `tedge mapper verify` and `tedge connect` name the file and line, exit 1, and
    /// nothing in the config directory changes.
    @Test(arguments: BrokenDefinition.all) func aBrokenDefinitionIsRefusedWithItsFileAndLine(_ broken: BrokenDefinition)
        async throws
    {
        let device = try await DeviceEnvironment()
        try device.installExample()
        try await device.expectSuccess(device.tedge("cert", "create", "--device-id", "my-device"))
        let mapper = device.configDirectory + "/mappers/thingsboard/"
        let file = mapper + broken.file
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try #require(text.components(separatedBy: broken.old).count == 2, "'\(broken.old)' is not once in \(broken.file)")
        try text.replacingOccurrences(of: broken.old, with: broken.new).write(toFile: file, atomically: true, encoding: .utf8)
        let edited = try String(contentsOfFile: mapper + broken.locationFile, encoding: .utf8)
        let line =
            try #require(
                edited.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(broken.marker) }) + 1
        let location = "\(mapper + broken.locationFile):\(line): "
        let before = try device.configFiles()

        let verify = try await device.tedge("mapper", "verify", "thingsboard")
        #expect(verify.status == .exited(1))
        #expect(
            verify.standardError.hasPrefix(
                "Error: failed to verify the mapper thingsboard\n\nCaused by:\n    The definition in \(device.configDirectory)/mappers/thingsboard has "
            ))
        #expect(
            verify.standardError.contains(location + "provider 'thingsboard' breaks \"\(broken.rule)\""),
            "\(verify.standardError)")

        let connect = try await device.tedge("connect", "thingsboard")
        #expect(connect.status == .exited(1))
        #expect(connect.standardError.hasPrefix("Error: failed to connect thingsboard cloud.\n\nCaused by:\n"))
        #expect(
            connect.standardError.contains(location + "provider 'thingsboard' breaks \"\(broken.rule)\""),
            "\(connect.standardError)")
        #expect(connect.standardOutput.isEmpty)
        #expect(try device.configFiles() == before)
    }
}

/// A mistake made in one file of the example, and where and how verify must report it.
struct BrokenDefinition: Sendable, CustomTestStringConvertible {
    let name: String
    let file: String
    let old: String
    let new: String
    /// The file and a text of the line the report points at (after the edit).
    let locationFile: String
    let marker: String
    let rule: String

    var testDescription: String { name }

    static let all: [BrokenDefinition] = [
        BrokenDefinition(
            name: "mapper.toml is not TOML", file: "mapper.toml", old: "clean_session = false", new: "clean_session = ",
            locationFile: "mapper.toml", marker: "clean_session", rule: "definition files are valid TOML"),
        BrokenDefinition(
            name: "a field of the wrong type", file: "mapper.toml", old: "keepalive_interval = \"60s\"",
            new: "keepalive_interval = true",
            locationFile: "mapper.toml", marker: "keepalive_interval", rule: "fields hold values of the right type"),
        BrokenDefinition(
            name: "an endpoint that is not host[:port]", file: "mapper.toml", old: "url = \"mqtt.thingsboard.cloud:8883\"",
            new: "url = \"mqtts://mqtt.thingsboard.cloud\"", locationFile: "mapper.toml", marker: "url = ",
            rule: "default values are valid for their key"),
        BrokenDefinition(
            name: "a certificate without its key", file: "mapper.toml", old: "# cert_path = \"device.pem\"",
            new: "cert_path = \"device.pem\"",
            locationFile: "mapper.toml", marker: "cert_path = \"device.pem\"",
            rule: "the device certificate and key are given together"),
        BrokenDefinition(
            name: "a rule outside the prefix", file: "bridge/rules.toml", old: "[[rule]]\ntopic = \"telemetry\"",
            new:
                "[[rule]]\nlocal_prefix = \"te/\"\ntopic = \"device/main///m/+\"\ndirection = \"outbound\"\n\n[[rule]]\ntopic = \"telemetry\"",
            locationFile: "bridge/rules.toml", marker: "topic = \"device/main///m/+\"",
            rule: "every bridge topic sits under the local prefix"),
        BrokenDefinition(
            name: "a wildcard where the cloud forbids it", file: "mapper.toml", old: "wildcard_subscriptions = true",
            new: "wildcard_subscriptions = false", locationFile: "bridge/rules.toml", marker: "topic = \"attributes/response/+\"",
            rule: "inbound rules name exact topics where the cloud takes no wildcard subscriptions"),
        BrokenDefinition(
            name: "a check that can never be answered", file: "mapper.toml",
            old: "response_topic = \"thingsboard/attributes/response/1\"",
            new: "response_topic = \"thingsboard/attributes/reply/1\"",
            locationFile: "mapper.toml", marker: "[connection_check]",
            rule: "the check's answer can come back through an inbound bridge rule"),
        BrokenDefinition(
            name: "a flow whose output feeds its input", file: "flows/telemetry.toml",
            old: "output.mqtt.topic = \"thingsboard/telemetry\"",
            new: "output.mqtt.topic = \"te/device/main///m/again\"", locationFile: "flows/telemetry.toml",
            marker: "output.mqtt.topic",
            rule: "a flow's output does not feed its own input"),
        BrokenDefinition(
            name: "an unknown field in a rule", file: "bridge/rules.toml",
            old: "topic = \"attributes\"\ndirection = \"outbound\"",
            new: "topic = \"attributes\"\ndirecton = \"outbound\"", locationFile: "bridge/rules.toml", marker: "directon",
            rule: "bridge rule files use thin-edge's fields"),
        BrokenDefinition(
            name: "a rule without its remote prefix", file: "bridge/rules.toml",
            old: "remote_prefix = \"${mapper.bridge.topic_prefix}/\"\n",
            new: "", locationFile: "bridge/rules.toml", marker: "topic = \"telemetry\"", rule: "bridge rules have both prefixes"),
        BrokenDefinition(
            name: "a variable that does not resolve", file: "bridge/rules.toml", old: "${mapper.bridge.topic_prefix}/",
            new: "${mapper.bridge.prefix}/", locationFile: "bridge/rules.toml", marker: "remote_prefix",
            rule: "variables and conditions in bridge rules resolve"),
    ]
}

extension DeviceEnvironment {
    /// Copies the example's directory to `<config-dir>/mappers/thingsboard/` and gives local-init its mapper service.
    func installExample() throws {
        try FileManager.default.createDirectory(atPath: configDirectory + "/mappers", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Binaries.packageRoot + "/Examples/UserDefinedCloud/thingsboard",
            toPath: configDirectory + "/mappers/thingsboard")
        try "exec tedge-mapper --config-dir '\(configDirectory)' thingsboard\n".write(
            toFile: initState + "/tedge-mapper-thingsboard.command", atomically: true, encoding: .utf8)
    }

    /// Every file under the config directory with its bytes.
    func configFiles() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: configDirectory)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = configDirectory + "/" + path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: full)
            }
        }
        return files
    }
}
