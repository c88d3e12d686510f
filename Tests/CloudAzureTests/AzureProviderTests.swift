import Foundation
import TedgeCloudAzure
import TedgeCloudProviderTesting
import TedgeProviderAPI
import Testing

@Suite struct AzureProviderTests {
    let provider = AzureProvider()

    func context(url: String = "myhub.azure-devices.net", device: String = "my-device") throws -> ConnectionContext {
        .sample(for: provider, deviceID: device, cloud: try HostAndPort(parsing: url, defaultPort: 8883))
    }

    @Test func bridgeFileMatchesTheGoldenFile() throws {
        let url = try #require(Bundle.module.url(forResource: "az-bridge", withExtension: "conf", subdirectory: "Fixtures"))
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(provider.bridge(try context()).render(rootCertificateIsDirectory: true) == golden)
    }

    @Test func bridgeUsesTheHostAndPortGiven() throws {
        let bridge = provider.bridge(try context(url: "localhost:18883"))
        #expect(bridge.address.description == "localhost:18883")
        #expect(bridge.remoteUsername == "localhost/my-device/?api-version=2018-06-30")
        #expect(bridge.render(rootCertificateIsDirectory: false).contains("\nbridge_cafile /etc/ssl/certs\n"))
    }

    /// `bridge_config.json`: the Azure bridge built from thin-edge's test parameters.
    @Test func conformanceFieldValues() throws {
        let bridge = provider.bridge(
            .sample(
                for: provider, deviceID: "alpha", cloud: try HostAndPort(parsing: "test.test.io", defaultPort: 8883),
                rootCertificatePath: "./test_root.pem", certificatePath: "./test-certificate.pem",
                keyPath: "./test-private-key.pem"))
        #expect(provider.bridgeFileName == "az-bridge.conf")
        #expect(bridge.connection == "edge_to_az")
        #expect(bridge.address.description == "test.test.io:8883")
        #expect(bridge.remoteUsername == "test.test.io/alpha/?api-version=2018-06-30")
        #expect(bridge.remoteClientID == "alpha")
        #expect(bridge.localClientID == "Azure")
        #expect(bridge.cleanSession == false)
        #expect(bridge.tryPrivate == false && bridge.startType == "automatic" && bridge.notifications)
        #expect(bridge.notificationTopic == "te/device/main/service/mosquitto-az-bridge/status/health")
        // Desired patches in, reported patches out: no pattern is bridged both ways.
        #expect(bridge.topics.map(\.line).contains("topic twin/PATCH/properties/desired/# in 1 az/ $iothub/"))
        #expect(bridge.topics.map(\.line).contains("topic twin/PATCH/properties/reported/# out 1 az/ $iothub/"))
        // 1.x topics: thin-edge 0.5 bridged devicebound `out`, a bug fixed in 1.x.
        #expect(bridge.topics.map(\.line).contains("topic messages/devicebound/# in 1 az/ devices/alpha/"))
        #expect(bridge.topics.map(\.line).contains("topic twin/res/# in 1 az/ $iothub/"))
    }

    @Test func connectionCheckAsksForTheTwin() throws {
        let check = provider.connectionCheck(try context())
        #expect(check.subscriptions == ["az/twin/res/#"])
        #expect(check.request.topic == "az/twin/GET/?$rid=1")
        #expect(check.request.payload.isEmpty)
        #expect(check.request.qos == .atLeastOnce)
        #expect(check.judge(MQTTMessage(topic: "az/twin/res/200/?$rid=1", text: "{}")) == .success)
        #expect(check.judge(MQTTMessage(topic: "az/twin/res/401/?$rid=1", text: "")) != .success)
        #expect(check.troubleshooting.contains("az.url"))
        #expect(check.troubleshooting.contains("thumbprint"))
        #expect(check.troubleshooting.contains("az.root.cert.path"))
    }

    @Test func configKeys() throws {
        #expect(
            provider.configKeys.map(\.name) == [
                "az.url", "az.root.cert.path", "az.mapper.timestamp", "az.mapper.message_properties",
                "az.mapper.timestamp_format", "az.mapper.mqtt.max_payload_size", "az.topics", "az.dps.id_scope", "az.dps.url",
            ])
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: provider.configKeys), directory: "/etc/tedge")
        #expect(config.value("az.root.cert.path") == "/etc/ssl/certs")
        #expect(config.value("az.mapper.timestamp") == "true")
        #expect(config.value("az.mapper.timestamp_format") == "unix")
        #expect(config.value("az.mapper.mqtt.max_payload_size") == "262144")
        #expect(config.value("az.topics") == "te/+/+/+/+/m/+,te/+/+/+/+/e/+,te/+/+/+/+/a/+,te/+/+/+/+/status/health")
        #expect(throws: TedgeError.self) { try config.set(AzureProvider.url, to: "mqtts://hub") }
        try config.set(AzureProvider.url, to: "hub.azure-devices.net")
        #expect(config.value("az.url") == "hub.azure-devices.net")
    }

    @Test func mapperFollowsTheMessagePropertiesKey() throws {
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: provider.configKeys), directory: "/etc/tedge")
        #expect(config.value("az.mapper.message_properties") == "true")
        #expect(AzureProvider.mapperMessageProperties.doc.contains("Example: true"))
        let input = MQTTMessage(topic: "tedge/measurements", text: #"{"t": 1}"#)
        var converter = try #require(provider.mapper(config)).makeConverter([])
        #expect(try converter.convert(input).get().first?.topic == "az/messages/events/$.ct=application%2Fjson&$.ce=utf-8")
        try config.set(AzureProvider.mapperMessageProperties, to: "false")
        converter = try #require(provider.mapper(config)).makeConverter([])
        #expect(try converter.convert(input).get().first?.topic == "az/messages/events/")
        #expect(throws: TedgeError.self) { try config.set(AzureProvider.mapperMessageProperties, to: "maybe") }
    }

    /// The `te/` telemetry is `mea.toml`'s (written from the mapper's settings); the converter keeps the entity store and
    /// publishes the flow's JSON with the property bag, not retained, as its own `te/` mapping did.
    @Test func teTelemetryGoesThroughTheBuiltinFlow() throws {
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: provider.configKeys), directory: "/etc/tedge")
        try config.set(AzureProvider.mapperTimestampFormat, to: "rfc3339")
        try config.set(AzureProvider.mapperMaxPayloadSize, to: "128")
        let mapper = try #require(provider.mapper(config))
        #expect(
            mapper.builtinFlows("2.0.1") == [
                AzureBuiltinFlows.measurements(version: "2.0.1", timestampFormat: "rfc-3339", maxPayloadSize: 128)
            ])
        var converter = mapper.makeConverter([])
        let child = MQTTMessage(topic: "te/device/child///m/env", text: #"{"t": 1}"#, qos: .atLeastOnce)
        let admission = converter.beforeFlows(child)
        #expect(admission.toFlows)
        #expect(admission.outputs.map(\.topic) == ["te/device/child//"], "the child is auto-registered first")
        #expect(try converter.convert(child).get().isEmpty, "nothing of its own for te/ telemetry")
        #expect(!converter.beforeFlows(MQTTMessage(topic: "te/device/main///m", text: "{}")).toFlows)
        #expect(converter.beforeFlows(MQTTMessage(topic: "te/device/main///m", text: "{}")).outputs.map(\.topic) == ["te/errors"])

        let json = converter.afterFlows(
            MQTTMessage(topic: "az/messages/events/", text: #"{"t":1}"#, qos: .atLeastOnce, retain: true))
        #expect(json.topic == AzureConverter.propertiesTopic && !json.retain)
        #expect(converter.afterFlows(MQTTMessage(topic: "az/messages/events/", text: "not JSON")).topic == "az/messages/events/")
        #expect(converter.afterFlows(MQTTMessage(topic: "te/errors", text: "{}")).topic == "te/errors")
    }

    @Test func recommendsTheRootAzureChainsTo() {
        #expect(provider.certificateRequirements.recommendedRootCertificate == "DigiCert Global Root G2")
    }
}
