import TedgeCloudProviderTesting
import TedgeFileDefinedClouds
import TedgeProviderAPI
import Testing

/// The example definition (Examples/UserDefinedCloud/thingsboard) as a provider: it passes the contract, and
/// describes the bridge, check, keys and mapper its files say.
@Suite struct ExampleDefinitionTests {
    @Test func theExamplePassesTheProviderContract() {
        let directory = DefinitionDirectory()
        let cloud = directory.cloud()
        #expect(cloud.id == "thingsboard")
        #expect(cloud.violations(config: directory.config(cloud)).isEmpty)
        ProviderContract.verify(cloud)
    }

    @Test func itsBridgeRendersAsAMosquittoBridge() {
        let directory = DefinitionDirectory()
        let cloud = directory.cloud()
        let context = ConnectionContext.sample(
            for: cloud, deviceID: "my-device", cloud: HostAndPort(host: "localhost", port: 8883),
            config: directory.config(cloud))
        #expect(
            cloud.bridge(context).render(rootCertificateIsDirectory: true) == """
                ### Bridge
                connection edge_to_thingsboard
                address localhost:8883
                bridge_capath /etc/ssl/certs
                remote_clientid my-device
                local_clientid tedge-bridge-thingsboard
                bridge_certfile /etc/tedge/device-certs/tedge-certificate.pem
                bridge_keyfile /etc/tedge/device-certs/tedge-private-key.pem
                try_private false
                start_type automatic
                cleansession false
                notifications false
                bridge_attempt_unsubscribe false
                bridge_tls_version tlsv1.2
                keepalive_interval 60

                ### Topics
                topic telemetry out 1 thingsboard/ v1/devices/me/
                topic attributes out 1 thingsboard/ v1/devices/me/
                topic attributes/request/+ out 1 thingsboard/ v1/devices/me/
                topic attributes/response/+ in 1 thingsboard/ v1/devices/me/
                topic rpc/request/+ in 1 thingsboard/ v1/devices/me/
                topic rpc/response/+ out 1 thingsboard/ v1/devices/me/

                """)
    }

    @Test func itsKeysDefaultToItsFilesAndTedgeTomlOverridesThem() {
        let directory = DefinitionDirectory()
        let cloud = directory.cloud()
        #expect(
            cloud.configKeys.map(\.name) == [
                "thingsboard.url", "thingsboard.root.cert.path", "thingsboard.device.id", "thingsboard.device.cert_path",
                "thingsboard.device.key_path",
            ])
        let config = directory.config(cloud)
        #expect(config.value(of: cloud.urlKey) == "mqtt.thingsboard.cloud:8883")
        #expect(config.value(of: cloud.rootCertificateKey) == "/etc/ssl/certs")
        #expect(config.value("thingsboard.device.id") == nil)
        let overridden = directory.config(cloud, stored: ["thingsboard.url": "localhost:1234"])
        #expect(overridden.value(of: cloud.urlKey) == "localhost:1234")
    }

    @Test func itsCheckAsksForAttributesAndAnyAnswerIsSuccess() {
        let directory = DefinitionDirectory()
        let cloud = directory.cloud()
        let check = cloud.connectionCheck(ConnectionContext.sample(for: cloud, config: directory.config(cloud)))
        #expect(check.request.topic == "thingsboard/attributes/request/1")
        #expect(check.request.text == #"{"sharedKeys":"tedge-connection-check"}"#)
        #expect(check.subscriptions == ["thingsboard/attributes/response/1"])
        #expect(check.attempts == 2)
        #expect(check.attemptTimeout == .seconds(10))
        #expect(check.judge(MQTTMessage(topic: "thingsboard/attributes/response/1", text: "{}")) == .success)
        #expect(
            cloud.certificateRequirements.registrationHint.hasPrefix("Create the device in ThingsBoard with X.509 credentials"))
    }

    @Test func itsMapperRunsItsFlowsWithItsSettingsAsParameters() throws {
        let directory = DefinitionDirectory()
        let cloud = directory.cloud()
        let mapper = try #require(cloud.mapper(directory.config(cloud)))
        #expect(mapper.subscriptions.isEmpty)
        #expect(mapper.flowsDirectory == directory.path("flows"))
        #expect(mapper.flowParameters["bridge.topic_prefix"] == "v1/devices/me")
        #expect(mapper.flowParameters["url"] == "mqtt.thingsboard.cloud:8883")
        var converter = mapper.makeConverter([])
        #expect(try converter.convert(MQTTMessage(topic: "tedge/measurements", text: "{}")).get().isEmpty)
    }

    @Test func aResponseMustContainWhatTheCheckSays() {
        let directory = DefinitionDirectory()
        directory.replace("timeout = \"10s\"", with: "timeout = 3\nresponse_contains = \"shared\"", in: "mapper.toml")
        let cloud = directory.cloud()
        let check = cloud.connectionCheck(ConnectionContext.sample(for: cloud, config: directory.config(cloud)))
        #expect(check.attemptTimeout == .seconds(3))
        #expect(check.judge(MQTTMessage(topic: "x", text: #"{"shared":{}}"#)) == .success)
        #expect(check.judge(MQTTMessage(topic: "x", text: "{}")) == .ignore)
    }
}
