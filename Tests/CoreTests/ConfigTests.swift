import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// A provider's keys as a registry would contribute them, without importing a provider module.
let azureLikeKeys = [
    ConfigKey("az.url", kind: .connectURL, doc: "Example: x", legacyTable: "azure"),
    ConfigKey("az.root.cert.path", kind: .path, default: .value("/etc/ssl/certs"), doc: "Example: x"),
    ConfigKey("az.mapper.timestamp", kind: .flag, default: .value("true"), doc: "Example: x"),
]

@Suite struct ConfigValueTests {
    @Test func conformanceVectors() throws {
        var processed = 0
        for entry in try Fixture.cases("config_values") {
            let name = try #require(entry["name"] as? String)
            // The two URL cases with structured input are the c8y HTTP endpoint's, tested with the upload.
            guard let input = entry["input"] as? String else { continue }
            processed += 1
            let kind: ConfigValueKind = name.hasPrefix("Flag") ? .flag : name.hasPrefix("Port") ? .port : .connectURL
            if entry["kind"] as? String == "error" {
                let error = #expect(throws: TedgeError.self) { try kind.parse(input) }
                #expect(error?.description == entry["expected"] as? String, "\(name)")
            } else {
                let value = try kind.parse(input)
                let expected = kind == .flag ? ((entry["expected"] as? Bool) == true ? "true" : "false") : "\(entry["expected"]!)"
                #expect(value.description == expected, "\(name)")
            }
        }
        #expect(processed == 6)
    }

    @Test func hostsWithOptionalPort() throws {
        #expect(try HostAndPort(parsing: "hub.azure-devices.net", defaultPort: 8883).description == "hub.azure-devices.net:8883")
        let local = try HostAndPort(parsing: "localhost:18883", defaultPort: 8883)
        #expect(local.host == "localhost" && local.port == 18883 && local.description == "localhost:18883")
        #expect(try HostAndPort(parsing: "127.0.0.1", defaultPort: 8883).description == "127.0.0.1:8883")
        #expect(try HostAndPort(parsing: "[::1]:1234", defaultPort: 8883).description == "[::1]:1234")
        for bad in [
            "http://hub.net", "mqtts://hub.net:8883", "hub.net/path", "hub net", "hub.net:0", "hub.net:70000", "hub.net:x",
            "-hub.net", "a:b:c", "",
        ] {
            #expect(throws: TedgeError.self, "\(bad)") { try HostAndPort(parsing: bad, defaultPort: 8883) }
        }
    }

    @Test func schemeMessageIsThinEdges() {
        #expect(
            throws: TedgeError(
                "Provided URL: 'https://x.com' contains scheme or port.\n         Provided URL should contain only domain, eg: 'subdomain.cumulocity.com'."
            )
        ) {
            try ConfigValueKind.connectURL.parse("https://x.com", example: "subdomain.cumulocity.com")
        }
    }

    @Test func otherKinds() throws {
        #expect(try ConfigValueKind.ipAddress.parse("0.0.0.0") == .string("0.0.0.0"))
        #expect(throws: TedgeError("Invalid ip address: 'localhost'.")) { try ConfigValueKind.ipAddress.parse("localhost") }
        #expect(throws: TedgeError("Invalid port number: '-1'.")) { try ConfigValueKind.port.parse("-1") }
        #expect(try ConfigValueKind.port.parse("65535") == .integer(65535))
        #expect(throws: TedgeError.self) { try ConfigValueKind.path.parse("") }
        #expect(throws: TedgeError.self) { try ConfigValueKind.positiveInteger.parse("0") }
    }
}

@Suite struct ConfigStoreTests {
    let directory = TemporaryDirectory()
    var store: ConfigStore {
        .readingDeviceCertificate(directory: directory.path, schema: ConfigSchema(providerKeys: azureLikeKeys))
    }

    @Test func missingFileMeansDefaults() throws {
        let config = try store.load()
        #expect(config.value("mqtt.port") == "1883")
        #expect(config.value("device.cert.path") == directory.path + "/device-certs/tedge-certificate.pem")
        #expect(config.value("device.key.path") == directory.path + "/device-certs/tedge-private-key.pem")
        #expect(config.value("az.root.cert.path") == "/etc/ssl/certs")
        #expect(config.value("az.url") == nil)
        #expect(config.value("device.id") == nil)
    }

    @Test func everyKeyCanBeSetReadBackAndUnset() throws {
        let samples: [ConfigValueKind: String] = [
            .string: "value", .path: "/some/path", .connectURL: "hub.example.com:1234",
            .port: "4321", .flag: "false", .ipAddress: "10.1.2.3", .positiveInteger: "42",
            .timeFormat: "rfc-3339", .entityTopicID: "device/child_001//", .duration: "5s", .topicPrefix: "az-second",
        ]
        for key in store.schema.keys where !key.isReadOnly {
            var config = try store.load()
            let sample = try #require(samples[key.kind])
            try config.set(key, to: sample)
            try store.save(config)
            #expect(try store.load().value(of: key) == sample, "\(key.name)")
            var again = try store.load()
            try again.unset(key)
            try store.save(again)
            let fallback = try store.load()
            #expect(fallback.value(of: key) == fallback.defaultValue(of: key), "\(key.name)")
        }
    }

    @Test func fileUsesThinEdgeTablesAndTypes() throws {
        var config = try store.load()
        try config.set(#require(config.schema.key(named: "az.url")), to: "hub.azure-devices.net")
        try config.set(#require(config.schema.key(named: "mqtt.port")), to: "1884")
        try config.set(#require(config.schema.key(named: "az.mapper.timestamp")), to: "false")
        try config.set(#require(config.schema.key(named: "device.cert.path")), to: "/c.pem")
        try store.save(config)
        let text = try String(contentsOfFile: store.path, encoding: .utf8)
        #expect(
            text == """
                [device]
                cert_path = "/c.pem"

                [az]
                url = "hub.azure-devices.net"
                mapper_timestamp = false

                [mqtt]
                port = 1884

                """)
    }

    @Test func readOnlyDeviceID() throws {
        var config = try store.load()
        let key = try #require(config.schema.key(named: "device.id"))
        let error = #expect(throws: TedgeError.self) { try config.set(key, to: "x") }
        #expect(error?.description.hasPrefix("Readonly setting: The device id is read from the device certificate") == true)
        #expect(throws: TedgeError.self) { try config.unset(key) }
    }

    @Test func deviceIDComesFromTheCertificate() throws {
        let config = try store.load()
        try DeviceCertificateFiles(config: config).create(deviceID: "from-cert")
        #expect(try store.load().value("device.id") == "from-cert")
    }

    @Test func unknownKeyIsReported() {
        #expect(throws: TedgeError("Invalid key `no.such.key'. See `tedge config list --doc` for a list of valid keys.")) {
            try store.schema.requireKey("no.such.key")
        }
    }

    @Test func malformedFileIsReportedWithPathAndLine() throws {
        let text = "[az]\nurl = \"hub\"\nport = = 3\n"
        try text.write(toFile: store.path, atomically: true, encoding: .utf8)
        let error = #expect(throws: TedgeError.self) { try store.load() }
        #expect(error?.description == "TOML parse error in \(store.path) at line 3 column 8: expected a value, found `=`")
        #expect(try String(contentsOfFile: store.path, encoding: .utf8) == text)
    }

    @Test func unknownFieldsAndWrongTypesAreRejected() throws {
        try "[az]\nnope = 1\n".write(toFile: store.path, atomically: true, encoding: .utf8)
        #expect(throws: TedgeError("TOML parse error in \(store.path): unknown field `nope` in table [az]")) { try store.load() }
        try "[mqtt]\nport = \"1883\"\n".write(toFile: store.path, atomically: true, encoding: .utf8)
        #expect(throws: TedgeError.self) { try store.load() }
    }

    @Test func legacyAzureTableAndDeviceIDAreAccepted() throws {
        try "[device]\nid = \"old\"\n\n[azure]\nurl = \"legacy.azure-devices.net\"\n".write(
            toFile: store.path, atomically: true, encoding: .utf8)
        let config = try store.load()
        #expect(config.value("az.url") == "legacy.azure-devices.net")
        try store.save(config)
        #expect(try String(contentsOfFile: store.path, encoding: .utf8) == "[az]\nurl = \"legacy.azure-devices.net\"\n")
    }

    @Test func listingOrderAndAllAndDoc() throws {
        var config = try store.load()
        try config.set(#require(config.schema.key(named: "az.url")), to: "hub.net")
        let lines = ConfigListing(config: config).lines(all: false, doc: false)
        #expect(lines.first == "device.key.path=\(directory.path)/device-certs/tedge-private-key.pem")
        #expect(lines.contains("az.url=hub.net"))
        #expect(lines.firstIndex(of: "az.url=hub.net")! < lines.firstIndex(of: "mqtt.port=1883")!)
        let all = ConfigListing(config: config).lines(all: true, doc: false)
        let blank = try #require(all.firstIndex(of: ""))
        #expect(all[(blank + 1)...].contains("device.id="))
        #expect(all[(blank + 1)...].allSatisfy { $0.hasSuffix("=") })
        let doc = ConfigListing(config: config).lines(all: false, doc: true)
        #expect(doc.count == config.schema.keys.count)
        #expect(doc.contains { $0.hasPrefix("mqtt.port                      Mqtt broker port") })
    }
}

@Suite struct ConfigKeyTests {
    @Test func aKeyIsStoredWhereItsNameSays() {
        #expect(ConfigKey("az.url", kind: .connectURL, doc: "Example: x").storage == .toml(table: "az", field: "url"))
        #expect(
            ConfigKey("az.root.cert.path", kind: .path, doc: "Example: x").storage == .toml(table: "az", field: "root_cert_path"))
        #expect(ConfigKey("nodot", kind: .string, doc: "Example: x").storage == .toml(table: "", field: "nodot"))
    }

    /// thin-edge's tedge.toml layout, as the explicit tables and fields gave it before they were derived.
    @Test func coreKeysKeepThinEdgesFileLayout() {
        let stored = (CoreConfigKeys.deviceKeys + CoreConfigKeys.localKeys).compactMap { key -> String? in
            guard case .toml(let table, let field) = key.storage else { return nil }
            return "\(key.name) [\(table)] \(field)"
        }
        #expect(
            stored == [
                "device.key.path [device] key_path", "device.cert.path [device] cert_path",
                "device.csr.path [device] csr_path", "device.type [device] type", "mqtt.port [mqtt] port",
                "mqtt.bind_address [mqtt] bind_address", "mqtt.external.port [mqtt] external_port",
                "mqtt.external.bind_address [mqtt] external_bind_address",
                "mqtt.external.bind_interface [mqtt] external_bind_interface",
                "mqtt.external.capath [mqtt] external_capath", "mqtt.external.certfile [mqtt] external_certfile",
                "mqtt.external.keyfile [mqtt] external_keyfile",
                "mqtt.bridge.max_queued_messages [mqtt] bridge_max_queued_messages",
                "mqtt.topic_root [mqtt] topic_root", "mqtt.device_topic_id [mqtt] device_topic_id",
                "service.type [service] type", "service.timestamp_format [service] timestamp_format",
                "mqtt.bridge.built_in [mqtt.bridge] built_in", "mqtt.bridge.store.path [mqtt.bridge.store] path",
                "mqtt.bridge.store.max_size [mqtt.bridge.store] max_size", "mqtt.bridge.store.max_age [mqtt.bridge.store] max_age",
                "mqtt.bridge.reconnect_policy.initial_interval [mqtt.bridge.reconnect_policy] initial_interval",
                "mqtt.bridge.reconnect_policy.maximum_interval [mqtt.bridge.reconnect_policy] maximum_interval",
                "mqtt.bridge.reconnect_policy.reset_window [mqtt.bridge.reconnect_policy] reset_window",
                "proxy.address [proxy] address", "proxy.username [proxy] username", "proxy.password [proxy] password",
                "proxy.no_proxy [proxy] no_proxy",
                "software.plugin.default [software] default_plugin_type", "tmp.path [tmp] path", "logs.path [logs] path",
                "run.path [run] path", "operations.user [operations] user", "operations.timeout [operations] timeout",
            ])
    }
}
