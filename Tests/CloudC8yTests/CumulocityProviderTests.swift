import Foundation
import TedgeCloudC8y
import TedgeCloudProviderTesting
import TedgeProviderAPI
import Testing

@Suite struct CumulocityProviderTests {
    let provider = CumulocityProvider()

    /// `bridge_config.json`: the Cumulocity bridge built from thin-edge's test parameters.
    @Test func conformanceBridge() throws {
        let bridge = provider.bridge(
            .sample(
                for: provider, deviceID: "alpha", cloud: try HostAndPort(parsing: "test.test.io", defaultPort: 8883),
                rootCertificatePath: "./test_root.pem", certificatePath: "./test-certificate.pem",
                keyPath: "./test-private-key.pem"))
        #expect(bridge.connection == "edge_to_c8y")
        #expect(bridge.remoteUsername == nil)
        #expect(bridge.localClientID == "Cumulocity")
        #expect(bridge.cleanSession == false)
        let lines = bridge.topics.map(\.line)
        let expected = [
            "s/dcr in 2 c8y/ \"\"", "s/ucr out 2 c8y/ \"\"", "s/dt in 2 c8y/ \"\"", "s/ut/# out 2 c8y/ \"\"",
            "s/us/# out 2 c8y/ \"\"", "t/us/# out 2 c8y/ \"\"", "q/us/# out 2 c8y/ \"\"", "c/us/# out 2 c8y/ \"\"",
            "s/ds in 2 c8y/ \"\"", "s/e in 0 c8y/ \"\"", "s/uc/# out 2 c8y/ \"\"", "t/uc/# out 2 c8y/ \"\"",
            "q/uc/# out 2 c8y/ \"\"", "c/uc/# out 2 c8y/ \"\"", "s/dc/# in 2 c8y/ \"\"",
            "measurement/measurements/create out 2 c8y/ \"\"", "error in 2 c8y/ \"\"",
            "s/uat/# out 2 c8y/ \"\"", "s/dat/# in 2 c8y/ \"\"",
        ].map { "topic " + $0 }
        #expect(Array(lines.prefix(expected.count)) == expected)
        #expect(lines.allSatisfy { $0.contains(" c8y/ ") })
    }

    @Test func connectionCheckCreatesTheDevice() throws {
        let check = provider.connectionCheck(
            .sample(for: provider, deviceID: "alpha", cloud: try HostAndPort(parsing: "t.example.com", defaultPort: 8883)))
        #expect(check.request.topic == "c8y/s/us")
        #expect(check.request.text == "100,alpha,thin-edge.io")
        #expect(check.attempts == 2)
        #expect(check.judge(MQTTMessage(topic: "c8y/s/e", text: "41,100,Device already existing")) == .success)
        #expect(check.judge(MQTTMessage(topic: "c8y/s/e", text: "other")) == .ignore)
    }

    @Test func configKeys() {
        #expect(
            provider.configKeys.map(\.name) == [
                "c8y.url", "c8y.root.cert.path", "c8y.http", "c8y.device.id", "c8y.topics",
                "c8y.smartrest.child_device.create_with_device_marker",
            ])
        let config = TedgeConfig(schema: ConfigSchema(providerKeys: provider.configKeys), directory: "/etc/tedge")
        #expect(
            config.value(of: CumulocityProvider.topics)
                == "te/+/+/+/+,te/+/+/+/+/twin/+,te/+/+/+/+/m/+,te/+/+/+/+/m/+/meta,te/+/+/+/+/e/+,te/+/+/+/+/a/+,te/+/+/+/+/status/health"
        )
        #expect(config.value(of: CumulocityProvider.childDeviceMarker) == "false")
    }

    /// `c8y.device.id` is the certificate's CN for whoever reads certificates (the CLI), what `tedge connect c8y`
    /// recorded for the mapper, which reads none.
    @Test func theDeviceIDComesFromTheCertificateOrWhatConnectRecorded() throws {
        let schema = ConfigSchema(providerKeys: provider.configKeys)
        let cli = TedgeConfig(schema: schema, directory: "/etc/tedge", deviceIDSource: { _ in "cn-of-the-cert" })
        #expect(cli.value(of: CumulocityProvider.deviceID) == "cn-of-the-cert")
        var mapper = TedgeConfig(schema: schema, directory: "/etc/tedge")
        #expect(mapper.value(of: CumulocityProvider.deviceID) == nil)
        mapper.record(deviceID: "cn-of-the-cert", in: provider.configKeys)
        #expect(mapper.value(of: CumulocityProvider.deviceID) == "cn-of-the-cert")
        #expect(mapper.fileText == "[c8y]\ndevice_id = \"cn-of-the-cert\"\n")
        // The mapper's te/ mapping names the main device by it.
        var converter = try #require(provider.mapper(mapper)).makeConverter([])
        let outputs = try converter.convert(MQTTMessage(topic: "te/device/main///twin/os", text: #""linux""#)).get()
        #expect(outputs.map(\.topic) == ["c8y/inventory/managedObjects/update/cn-of-the-cert"])
    }

    /// The legacy topics, then every entity's registration, then `c8y.topics` (without repeating a filter).
    @Test func mapperSubscriptions() throws {
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: provider.configKeys), directory: "/etc/tedge")
        #expect(
            try #require(provider.mapper(config)).subscriptions == [
                "tedge/measurements", "tedge/measurements/+", "tedge/alarms/+/+", "tedge/events/+", "c8y/s/ds", "te/+/+/+/+",
                "te/+/+/+/+/twin/+", "te/+/+/+/+/m/+", "te/+/+/+/+/m/+/meta", "te/+/+/+/+/e/+", "te/+/+/+/+/a/+",
                "te/+/+/+/+/status/health",
            ])
        try config.set(CumulocityProvider.topics, to: "te/+/+/+/+/m/+, te/+/+/+/+/a/+")
        #expect(
            try #require(provider.mapper(config)).subscriptions.suffix(3) == ["te/+/+/+/+", "te/+/+/+/+/m/+", "te/+/+/+/+/a/+"])
    }
}

@Suite struct CumulocityJWTTests {
    @Test func conformanceFixtures() throws {
        let url = try #require(Bundle.module.url(forResource: "c8y_jwt", withExtension: "json", subdirectory: "Fixtures"))
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        #expect(cases.count >= 4)
        var processed = 0
        for entry in cases {
            let name = try #require(entry["name"] as? String)
            guard let token = entry["input"] as? String else {
                Issue.record("\(name): input is not a token")
                continue
            }
            processed += 1
            switch CumulocityJWT.issuer(of: token) {
            case .success(let issuer):
                #expect(entry["kind"] as? String == "output", "\(name)")
                #expect(issuer == entry["expected"] as? String, "\(name)")
            case .failure(let error):
                #expect(entry["kind"] as? String == "error", "\(name)")
                #expect(error.description == entry["expected"] as? String, "\(name)")
            }
        }
        #expect(processed == cases.count)
    }

    @Test func tenantCheckWarnsOnAnotherTenant() throws {
        let provider = CumulocityProvider()
        let context = ConnectionContext.sample(
            for: provider, deviceID: "d", cloud: try HostAndPort(parsing: "mine.cumulocity.com", defaultPort: 8883))
        let check = try #require(provider.postConnectCheck(context))
        #expect(check.request.topic == "c8y/s/uat")
        func token(_ issuer: String) -> String {
            "71,e30=." + Base64Text.encode(Array("{\"iss\":\"\(issuer)\"}".utf8)) + ".x"
        }
        #expect(check.judge(MQTTMessage(topic: "c8y/s/dat", text: token("mine.cumulocity.com"))) == .success)
        #expect(
            check.judge(MQTTMessage(topic: "c8y/s/dat", text: token("other.cumulocity.com")))
                == .failure(
                    "Warning: Connecting to other.cumulocity.com, but the configured URL is mine.cumulocity.com.\nThe device certificate has to be removed from the former tenant."
                ))
        #expect(check.judge(MQTTMessage(topic: "c8y/s/dat", text: "unrelated")) == .ignore)
    }
}
