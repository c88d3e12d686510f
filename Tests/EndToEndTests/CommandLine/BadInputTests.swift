import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// Hostile and mistaken input across the CLI and the mappers: every case gets a clear error (exit 1
/// and thin-edge's `Error: failed to …` format for the CLI, `tedge/errors` for a mapper), the mapper
/// keeps running, and no file changes.
@Suite(.serialized) struct BadInputTests {
    struct CLICase: Sendable, CustomStringConvertible {
        let arguments: [String]
        let expected: String
        var prepare: @Sendable (DeviceEnvironment) async throws -> Void = { _ in }
        /// Unique in the table: the arguments (control characters shown escaped) and what is expected.
        var description: String { ControlCharacters.escaped(arguments.joined(separator: " ")) + " → " + expected }
    }

    static let cliCases: [CLICase] = [
        CLICase(arguments: ["cert", "create", "--device-id", ""], expected: "The empty string cannot be used as a name"),
        CLICase(
            arguments: ["cert", "create", "--device-id", String(repeating: "x", count: 65)],
            expected: "is more than 64 characters long"),
        CLICase(
            arguments: ["cert", "create", "--device-id", "a b"], expected: "contains characters which cannot be used in a name"),
        CLICase(
            arguments: ["cert", "create", "--device-id", "a/b"], expected: "contains characters which cannot be used in a name"),
        CLICase(
            arguments: ["cert", "create", "--device-id", "a+#"], expected: "contains characters which cannot be used in a name"),
        CLICase(
            arguments: ["cert", "create", "--device-id", "café"], expected: "contains characters which cannot be used in a name"),
        CLICase(arguments: ["cert", "create-csr", "--device-id", "bad id"], expected: "DeviceID Error"),
        CLICase(
            arguments: ["cert", "create", "--device-id", "again"],
            expected: "A certificate already exists and would be overwritten.",
            prepare: { try await $0.expectSuccess($0.tedge("cert", "create", "--device-id", "first")) }),
        CLICase(arguments: ["cert", "show"], expected: "Missing file"),
        CLICase(
            arguments: ["cert", "show"], expected: "PEM file format error", prepare: { try writeCertificate($0, "garbage\n") }),
        CLICase(
            arguments: ["cert", "show"], expected: "X509 file format error",
            prepare: { try writeCertificate($0, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n") }),
        CLICase(arguments: ["config", "set", "az.url", "http://hub.azure-devices.net"], expected: "contains scheme or port"),
        CLICase(arguments: ["config", "set", "az.url", "mqtts://hub:8883"], expected: "contains scheme or port"),
        CLICase(arguments: ["config", "set", "az.url", "hub net"], expected: "is not a valid host name"),
        CLICase(arguments: ["config", "set", "az.url", "hub.net:99999"], expected: "has an invalid port"),
        CLICase(arguments: ["config", "set", "c8y.url", "https://t.cumulocity.com"], expected: "contains scheme or port"),
        CLICase(arguments: ["config", "set", "aws.url", "x.amazonaws.com/path"], expected: "contains scheme or port"),
        CLICase(arguments: ["config", "set", "mqtt.port", "abc"], expected: "Invalid port number: 'abc'."),
        CLICase(arguments: ["config", "set", "mqtt.port", "65536"], expected: "Invalid port number: '65536'."),
        CLICase(arguments: ["config", "set", "mqtt.port", "--", "-1"], expected: "Invalid port number: '-1'."),
        CLICase(
            arguments: ["config", "set", "az.mapper.timestamp", "yes"],
            expected: "Failed to parse flag: yes. Supported values are: true, false"),
        CLICase(arguments: ["config", "set", "mqtt.bind_address", "localhost"], expected: "Invalid ip address: 'localhost'."),
        CLICase(
            arguments: ["config", "set", "mqtt.bridge.max_queued_messages", "0"], expected: "A positive integer is expected"),
        CLICase(arguments: ["config", "set", "device.cert.path", ""], expected: "The value must not be empty."),
        CLICase(
            arguments: ["config", "set", "device.key.path", "/tmp/key.pem\nbridge_insecure true"],
            expected: "must not contain control characters (found U+000A)"),
        CLICase(
            arguments: ["config", "set", "az.root.cert.path", "/etc/ssl/certs\r"],
            expected: "must not contain control characters (found U+000D)"),
        CLICase(
            arguments: ["config", "set", "az.url", "hub.net\n"], expected: "must not contain control characters (found U+000A)"),
        CLICase(
            arguments: ["config", "set", "c8y.url", "t.c8y.io\tx"], expected: "must not contain control characters (found U+0009)"
        ),
        CLICase(
            arguments: ["config", "set", "mqtt.port", "1883\n"], expected: "must not contain control characters (found U+000A)"),
        CLICase(
            arguments: ["config", "set", "mqtt.bind_address", "127.0.0.1\u{1B}"],
            expected: "must not contain control characters (found U+001B)"),
        CLICase(
            arguments: ["config", "set", "run.path", "/run/tedge\u{7F}"],
            expected: "must not contain control characters (found U+007F)"),
        CLICase(arguments: ["config", "set", "no.such.key", "1"], expected: "Invalid key `no.such.key'."),
        CLICase(arguments: ["config", "get", "no.such.key"], expected: "Invalid key `no.such.key'."),
        CLICase(arguments: ["config", "unset", "az"], expected: "Invalid key `az'."),
        CLICase(arguments: ["config", "set", "device.id", "x"], expected: "Readonly setting"),
        CLICase(arguments: ["config", "unset", "device.id"], expected: "Readonly setting"),
        CLICase(
            arguments: ["config", "list"], expected: "TOML parse error in", prepare: { try writeConfig($0, "[az\nurl = 1\n") }),
        CLICase(
            arguments: ["config", "get", "az.url"], expected: "unknown field `colour` in table [az]",
            prepare: { try writeConfig($0, "[az]\ncolour = \"blue\"\n") }),
        CLICase(
            arguments: ["config", "get", "mqtt.port"], expected: "invalid value for `port`",
            prepare: { try writeConfig($0, "[mqtt]\nport = \"1883\"\n") }),
        CLICase(
            arguments: ["config", "set", "az.url", "x.net"], expected: "TOML parse error in",
            prepare: { try writeConfig($0, "\u{FEFF}[az]\n\u{0}") }),
        CLICase(arguments: ["connect", "nosuchcloud"], expected: "Unknown cloud 'nosuchcloud'. Known clouds: c8y, az, aws."),
        CLICase(arguments: ["disconnect", "nosuchcloud"], expected: "Unknown cloud 'nosuchcloud'."),
        CLICase(arguments: ["connect", "az"], expected: "A value for `az.url` is missing."),
        CLICase(arguments: ["connect", "az", "--test"], expected: "Device is not connected to Azure cloud"),
        CLICase(
            arguments: ["connect", "c8y"], expected: "Config value device.id, cannot be configured",
            prepare: { try await $0.expectSuccess($0.tedge("config", "set", "c8y.url", "t.cumulocity.com")) }),
        CLICase(
            arguments: ["connect", "az"], expected: "Couldn't load certificate, provide valid certificate path in configuration.",
            prepare: { device in
                try await device.expectSuccess(device.tedge("cert", "create", "--device-id", "d"))
                try await device.expectSuccess(device.tedge("config", "set", "az.url", "localhost:1"))
                try await device.expectSuccess(device.tedge("config", "set", "az.root.cert.path", "/nonexistent"))
            }),
        CLICase(
            arguments: ["connect", "az"], expected: "Toml syntax error in the system config file",
            prepare: { device in
                try await device.expectSuccess(device.tedge("cert", "create", "--device-id", "d"))
                try await device.expectSuccess(device.tedge("config", "set", "az.url", "localhost:1"))
                try await device.expectSuccess(device.tedge("config", "set", "az.root.cert.path", "/etc/ssl/certs"))
                try "[init\n".write(toFile: device.configDirectory + "/system.toml", atomically: true, encoding: .utf8)
            }),
        CLICase(
            arguments: ["connect", "az"], expected: "A placeholder '{}' is missing.",
            prepare: { device in
                try await device.expectSuccess(device.tedge("cert", "create", "--device-id", "d"))
                try await device.expectSuccess(device.tedge("config", "set", "az.url", "localhost:1"))
                try await device.expectSuccess(device.tedge("config", "set", "az.root.cert.path", "/etc/ssl/certs"))
                let text = try String(contentsOfFile: device.configDirectory + "/system.toml", encoding: .utf8)
                try text.replacingOccurrences(of: "\"stop\", \"{}\"", with: "\"stop\"")
                    .write(toFile: device.configDirectory + "/system.toml", atomically: true, encoding: .utf8)
            }),
        CLICase(arguments: ["mqtt", "pub", "a/b", "x"], expected: "Hint: Is MQTT server running?"),
        CLICase(arguments: ["mqtt", "pub", "a/#", "x"], expected: "without the wildcards + and #"),
        CLICase(arguments: ["mqtt", "pub", "a/b", "x", "-q", "3"], expected: "The input QoS should be 0, 1, or 2"),
        CLICase(arguments: ["mqtt", "sub", "a/#"], expected: "MQTT connection error"),
    ]

    static func writeCertificate(_ device: DeviceEnvironment, _ text: String) throws {
        try FileManager.default.createDirectory(
            atPath: device.configDirectory + "/device-certs", withIntermediateDirectories: true)
        try text.write(toFile: device.certificatePath, atomically: true, encoding: .utf8)
    }

    static func writeConfig(_ device: DeviceEnvironment, _ text: String) throws {
        try text.write(toFile: device.configDirectory + "/tedge.toml", atomically: true, encoding: .utf8)
    }

    /// Every file under the config directory with its bytes and mode.
    static func snapshot(_ directory: String) -> [String: String] {
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            let full = directory + "/" + path
            let data = FileManager.default.contents(atPath: full).map { $0.base64EncodedString() } ?? "<dir>"
            files[path] = "\(data) \(FileSystem.mode(full) ?? 0)"
        }
        return files
    }

    @Test func everyCaseHasAUniqueName() {
        #expect(Set(Self.cliCases.map(\.description)).count == Self.cliCases.count)
    }

    /// The README quotes these counts.
    @Test func theTableHasFiftyTwoCLICasesAndTwelvePayloads() {
        #expect(Self.cliCases.count == 52)
        #expect(Self.mapperPayloads.count == 12)
    }

    @Test(arguments: cliCases)
    func cliRefuses(_ entry: CLICase) async throws {
        let device = try await DeviceEnvironment()
        try await entry.prepare(device)
        let before = Self.snapshot(device.configDirectory)
        let result = try await device.tedge(arguments: entry.arguments)
        #expect(result.status == .exited(1), "\(entry): \(result.standardOutput) \(result.standardError)")
        #expect(result.standardError.hasPrefix("Error: failed to "), "\(entry): \(result.standardError)")
        #expect(result.standardError.contains(entry.expected), "\(entry): \(result.standardError)")
        #expect(Self.snapshot(device.configDirectory) == before, "\(entry) changed files")
    }

    static let mapperPayloads: [(String, [UInt8], String)] = [
        ("tedge/measurements", [0xC3, 0x28, 0x7B], "Invalid JSON"),
        ("tedge/measurements", [], "Invalid JSON"),
        (
            "tedge/measurements", Array(repeating: UInt8(ascii: " "), count: 300_000),
            "The input size 300000 is too big. The threshold is 261120."
        ),
        (
            "tedge/measurements",
            Array((String(repeating: "{\"a\":", count: 2_000) + "1" + String(repeating: "}", count: 2_000)).utf8), "Invalid JSON"
        ),
        ("tedge/measurements", Array("[1, 2]".utf8), "invalid type: sequence, expected ThinEdge JSON"),
        ("tedge/measurements", Array(#"{"t": "20"}"#.utf8), #"invalid type: string "20""#),
        ("tedge/measurements", Array(#"{"type": 1}"#.utf8), #"Invalid measurement name: "type" is a reserved word."#),
        ("tedge/measurements", Array(#"{"t": 4294967296}"#.utf8), "Number out-of-range"),
        ("tedge/measurements", Array(#"{"t": 1, "t": 2}"#.utf8), "duplicate object key"),
        ("tedge/measurements", Array(#"{"time": "yesterday", "t": 1}"#.utf8), "Invalid ISO8601 timestamp"),
        ("tedge/measurements", Array(#"{}"#.utf8), "Empty Thin Edge measurement"),
        ("tedge/measurements", Array(#"{"g": {"x": {"y": 1}}}"#.utf8), "Expect single-value measurement"),
    ]

    @Test func mapperReportsEveryBadInputAndKeepsRunning() async throws {
        let broker = try await TestBroker()
        let directory = broker.directory + "/etc"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Legacy inputs only: the mapper's own te/ health is not forwarded here, so answers come in order.
        try "[mqtt]\nport = \(broker.port)\n[az]\ntopics = \"\(Binaries.teTopicsWithoutHealth)\"\n".write(
            toFile: directory + "/tedge.toml", atomically: true, encoding: .utf8)
        let log = broker.directory + "/mapper.log"
        let mapper = try ChildProcess.spawn(
            [Binaries.mapper, "--config-dir", directory, "az"], standardOutput: log, standardError: log)
        defer { mapper.stop() }
        let (observer, inbox) = try await broker.client(subscribing: ["tedge/errors", "az/#"])
        defer { observer.disconnect() }
        await MapperHealth(serviceName: "tedge-mapper-az").expectUp(port: broker.port)
        let (publisher, _) = try await broker.client()
        for (topic, payload, expected) in Self.mapperPayloads {
            let mid = try publisher.publish(MQTTMessage(topic: topic, payload: payload, qos: .atLeastOnce))
            try await publisher.waitForDelivery(of: mid, timeout: .seconds(10))
            let answer = await inbox.next(timeout: .seconds(10))
            #expect(answer?.topic == "tedge/errors", "\(expected)")
            #expect(answer?.text?.contains(expected) == true, "\(expected): \(answer?.text ?? "nothing")")
        }
        #expect(await mapper.wait(timeout: .zero) == nil, "the mapper is still running")
        // And it still converts good input afterwards.
        let last = try publisher.publish(MQTTMessage(topic: "tedge/measurements", text: #"{"ok": 1}"#, qos: .atLeastOnce))
        try await publisher.waitForDelivery(of: last, timeout: .seconds(10))
        #expect(await inbox.next(timeout: .seconds(10))?.topic == "az/messages/events/$.ct=application%2Fjson&$.ce=utf-8")
    }
}
