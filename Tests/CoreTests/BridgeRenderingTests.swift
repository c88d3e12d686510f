import TedgeProviderAPI
import TedgeRuntime
import Testing

@Suite struct BridgeRenderingTests {
    /// `bridge_config.json`: bridge files with the root certificate as a file and as a directory.
    @Test func conformanceBridgeFiles() throws {
        let cases = try Fixture.cases("bridge_config").filter {
            ($0["input"] as? [String: Any])?["cloud_name"] as? String == "test"
        }
        #expect(cases.count == 2)
        for entry in cases {
            let input = try #require(entry["input"] as? [String: Any])
            let bridge = BridgeDescription(
                connection: try #require(input["connection"] as? String),
                address: try HostAndPort(parsing: try #require(input["address"] as? String), defaultPort: 8883),
                remoteUsername: input["remote_username"] as? String,
                rootCertificatePath: try #require(input["bridge_root_cert_path"] as? String),
                remoteClientID: try #require(input["remote_clientid"] as? String),
                localClientID: try #require(input["local_clientid"] as? String),
                certificatePath: try #require(input["bridge_certfile"] as? String),
                keyPath: try #require(input["bridge_keyfile"] as? String),
                cleanSession: try #require(input["clean_session"] as? Bool),
                topics: [])
            let isDirectory = try #require(input["root_cert_is_dir"] as? Bool)
            #expect(bridge.render(rootCertificateIsDirectory: isDirectory) == entry["expected"] as? String)
        }
    }

    @Test func emptyPrefixesAreQuoted() {
        #expect(BridgeTopic("s/us", .outbound, qos: 2, local: "c8y/", remote: "").line == "topic s/us out 2 c8y/ \"\"")
        #expect(
            BridgeTopic("", .inbound, qos: 1, local: "aws/connection-success", remote: "thinedge/d/test-connection").line
                == "topic \"\" in 1 aws/connection-success thinedge/d/test-connection")
    }

    @Test func localBrokerConfigConformance() throws {
        let cases = try Fixture.cases("bridge_config").filter { ($0["input"] as? [String: Any])?["internal_port"] != nil }
        #expect(cases.count == 2)
        for entry in cases {
            let input = try #require(entry["input"] as? [String: Any])
            let config = MosquittoLocalConfig(
                port: try #require(input["internal_port"] as? Int),
                externalPort: input["external_port"] as? Int,
                externalBindAddress: input["external_bind_address"] as? String,
                externalBindInterface: input["external_bind_interface"] as? String,
                externalCAPath: input["external_capath"] as? String,
                externalCertFile: input["external_certfile"] as? String,
                externalKeyFile: input["external_keyfile"] as? String)
            if let expected = entry["expected"] as? String {
                #expect(config.render() == expected)
            } else {
                let lines = try #require(entry["expected_line_set"] as? [String])
                #expect(Set(config.render().split(separator: "\n").map(String.init)) == Set(lines))
            }
        }
    }
}

@Suite struct StoreAndForwardTests {
    @Test func queueSettingsFollowTheConfig() throws {
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: []), directory: "/etc/tedge")
        let rendered = MosquittoLocalConfig(config: config).render()
        #expect(rendered.hasSuffix("persistence true\nautosave_interval 60\nmax_queued_messages 100000\nmax_queued_bytes 0\n"))
        try config.set(CoreConfigKeys.maxQueuedMessages, to: "5000")
        #expect(MosquittoLocalConfig(config: config).render().contains("\nmax_queued_messages 5000\n"))
        #expect(throws: TedgeError.self) { try config.set(CoreConfigKeys.maxQueuedMessages, to: "0") }
    }

    @Test func listenerIsLocalOnlyUnlessAnExternalOneIsConfigured() throws {
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: []), directory: "/etc/tedge")
        let lines = MosquittoLocalConfig(config: config).render().split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("listener ") } == ["listener 1883 localhost"])
        try config.set(CoreConfigKeys.externalPort, to: "8883")
        try config.set(CoreConfigKeys.externalCAPath, to: "/etc/ssl/certs")
        let external = MosquittoLocalConfig(config: config).render()
        #expect(external.contains("listener 8883\nallow_anonymous false\nrequire_certificate true\ncapath /etc/ssl/certs\n"))
    }
}
