import TedgeCloudAws
import TedgeCloudAzure
import TedgeCloudC8y
import TedgeProviderAPI
import TedgeRuntime
import Testing

/// `tedge connect <cloud> --profile second` against the recording fake: the profile's configuration, its names
/// (thin-edge's table of derived names, reference section 5) and its topics under its own prefix, for every cloud,
/// through Core alone.
@Suite struct CloudConnectorProfileTests {
    static let second = try! CloudProfileName("second")
    static let twoHubs = [
        "az.url": "hub1.azure-devices.net", "az.profiles.second.url": "hub2.azure-devices.net",
        "az.profiles.second.bridge.topic_prefix": "az-second",
    ]

    /// The fake holding `settings`, and the connector for `provider`'s profile `second`.
    func connecting(_ provider: any CloudProvider, _ settings: [String: String]) throws -> (
        RecordingConnectorEffects, CloudConnector
    ) {
        let fake = try RecordingConnectorEffects(provider, settings: settings)
        let cloud = provider.connection(Self.second, config: try fake.loadConfig()).cloud
        return (fake, CloudConnector(provider: cloud, configDirectory: RecordingConnectorEffects.configDirectory, effects: fake))
    }

    @Test func anAzureProfileConnectsUnderItsOwnNamesAndPrefix() async throws {
        let (fake, connector) = try connecting(AzureProvider(), Self.twoHubs)
        try await connector.connect()
        let bridge = try #require(fake.files["/etc/tedge/mosquitto-conf/az@second-bridge.conf"])
        #expect(bridge.contains("connection edge_to_az@second\n"))
        #expect(bridge.contains("address hub2.azure-devices.net:8883\n"))
        #expect(bridge.contains("local_clientid Azure@second\n"))
        #expect(bridge.contains("notification_topic te/device/main/service/mosquitto-az-second-bridge/status/health\n"))
        #expect(bridge.contains("topic messages/events/# out 1 az-second/ devices/my-device/\n"))
        #expect(bridge.contains("topic twin/res/# in 1 az-second/ $iothub/\n"))
        #expect(!bridge.contains(" az/ "))
        #expect(
            fake.steps.filter { $0.contains("tedge-mapper") || $0.hasPrefix("check check_") } == [
                "> Checking if tedge-mapper is installed.", "find tedge-mapper",
                "> Starting tedge-mapper-az@second service.", "restart tedge-mapper-az@second",
                "> Persisting tedge-mapper-az@second on reboot.", "enable tedge-mapper-az@second",
                "wait for up on te/device/main/service/tedge-mapper-az-second/status/health",
                "> tedge-mapper-az@second service successfully started and enabled!",
                "check check_connection_az@second",
            ])
        // The profile's root certificate is pinned in its own table; the default profile's is untouched.
        let saved = try #require(fake.savedConfig).selecting(nil, of: "az")
        #expect(saved.value("az.profiles.second.root.cert.path") != nil)
        #expect(saved.storedValue(of: AzureProvider.rootCertPath) == nil)
    }

    @Test func theCheckAsksAndListensUnderTheProfilesPrefix() throws {
        let config = try RecordingConnectorEffects(AzureProvider(), settings: Self.twoHubs).loadConfig()
        let (cloud, selected) = AzureProvider().connection(Self.second, config: config)
        let context = ConnectionContext(
            deviceID: "d", cloud: try HostAndPort(parsing: "hub2.azure-devices.net", defaultPort: 8883),
            rootCertificatePath: "/r",
            certificatePath: "/c", keyPath: "/k", config: selected)
        let check = cloud.connectionCheck(context)
        #expect(check.subscriptions == ["az-second/twin/res/#"])
        #expect(check.request.topic == "az-second/twin/GET/?$rid=1")
        #expect(check.judge(MQTTMessage(topic: "az-second/twin/res/200/?$rid=1", payload: [])) == .success)
    }

    @Test func theValidationRefusesBeforeAnythingIsWritten() async throws {
        var sharedPrefix = Self.twoHubs
        sharedPrefix["az.profiles.second.bridge.topic_prefix"] = nil
        let (fake, connector) = try connecting(AzureProvider(), sharedPrefix)
        await #expect(
            throws: TedgeError(
                "The configurations: az.bridge.topic_prefix, az.profiles.second.bridge.topic_prefix should be set to different values before connecting, but are currently set to the same value"
            )
        ) {
            try await connector.connect()
        }
        #expect(fake.steps.dropFirst() == ["load tedge.toml"])  // the first load is the test's own, to pick the profile
        #expect(fake.files.isEmpty)
    }

    @Test func disconnectingAProfileRemovesOnlyItsBridgeAndMapper() async throws {
        let (fake, connector) = try connecting(AzureProvider(), Self.twoHubs)
        fake.script {
            $0.files["/etc/tedge/mosquitto-conf/az-bridge.conf"] = "### Bridge"
            $0.files["/etc/tedge/mosquitto-conf/az@second-bridge.conf"] = "### Bridge"
        }
        try await connector.disconnect()
        #expect(fake.files.keys.sorted() == ["/etc/tedge/mosquitto-conf/az-bridge.conf"])
        #expect(fake.steps.contains("remove built-in-bridge/az@second"))
        #expect(fake.steps.contains("stop tedge-mapper-az@second") && fake.steps.contains("disable tedge-mapper-az@second"))
        #expect(!fake.steps.contains("stop tedge-mapper-az"))
    }

    /// thin-edge's derived names, the same rule for each cloud: `<cloud>@<profile>` names files and processes,
    /// the prefix names the `te/` services and the local topics.
    @Test(arguments: [
        (AzureProvider() as any CloudProvider, "Azure"), (CumulocityProvider(), "Cumulocity"), (AwsProvider(), "Aws"),
    ])
    func everyCloudDerivesTheSameNames(provider: any CloudProvider, localClientID: String) throws {
        let id = provider.id
        let (fake, _) = try connecting(
            provider, ["\(id).url": "cloud.example.com", "\(id).profiles.second.bridge.topic_prefix": "\(id)-second"])
        let (cloud, selected) = provider.connection(Self.second, config: try fake.loadConfig())
        #expect(cloud.bridgeFileName == "\(id)@second-bridge.conf")
        #expect(cloud.mapperServiceName == "tedge-mapper-\(id)@second")
        #expect(cloud.mapperHealthName == "tedge-mapper-\(id)-second")
        #expect(cloud.localPrefix == "\(id)-second/")
        let context = ConnectionContext(
            deviceID: "d", cloud: try HostAndPort(parsing: "cloud.example.com", defaultPort: 8883), rootCertificatePath: "/r",
            certificatePath: "/c", keyPath: "/k", config: selected)
        let bridge = cloud.bridge(context)
        #expect(bridge.connection == "edge_to_\(id)@second")
        #expect(bridge.localClientID == "\(localClientID)@second")
        #expect(bridge.topics.allSatisfy { $0.localPrefix.hasPrefix("\(id)-second/") })
        // The default profile keeps the provider's own names.
        let (plain, _) = provider.connection(nil, config: try fake.loadConfig())
        #expect(plain.bridgeFileName == "\(id)-bridge.conf" && plain.mapperServiceName == "tedge-mapper-\(id)")
        #expect(plain.bridge(context).connection == "edge_to_\(id)")
    }

    /// The default profile under another prefix: Azure's topics move (Core's key), AWS places its own (its key), and
    /// keeps the names it always had.
    @Test func theDefaultProfileUnderAnotherPrefix() throws {
        let azure = try RecordingConnectorEffects(AzureProvider(), settings: ["az.bridge.topic_prefix": "hub"]).loadConfig()
        let moved = AzureProvider().connection(nil, config: azure).cloud
        #expect(moved.localPrefix == "hub/" && moved.mapperHealthName == "tedge-mapper-hub")
        #expect(moved.bridgeFileName == "az-bridge.conf" && moved.mapperServiceName == "tedge-mapper-az")
        let aws = try RecordingConnectorEffects(AwsProvider(), settings: ["aws.bridge.topic_prefix": "custom"]).loadConfig()
        let own = AwsProvider().connection(nil, config: aws).cloud
        #expect(!(own is ProfiledCloud) && own.mapperHealthName == "tedge-mapper-aws")
    }

    @Test func theMapperReadsAndWritesUnderTheProfilesPrefix() throws {
        let config = try RecordingConnectorEffects(AzureProvider(), settings: Self.twoHubs).loadConfig()
        let (cloud, selected) = AzureProvider().connection(Self.second, config: config)
        let mapper = try #require(cloud.mapper(selected))
        var converter = mapper.makeConverter([])
        let outputs = try converter.convert(MQTTMessage(topic: "tedge/measurements", text: #"{"temperature": 20}"#)).get()
        #expect(outputs.map(\.topic) == ["az-second/messages/events/$.ct=application%2Fjson&$.ce=utf-8"])
        let operations = try #require(mapper.operations)
        #expect(operations.subscriptions.allSatisfy { $0.hasPrefix("az-second/") })
        #expect(operations.desiredTopicPrefix == "az-second/twin/desired/")
        #expect(operations.linkServices == ["mosquitto-az-second-bridge", "tedge-mapper-bridge-az-second"])
        guard
            case .methodCall(let call) = operations.interpret(
                MQTTMessage(topic: "az-second/methods/POST/reboot/?$rid=7", payload: []))
        else {
            Issue.record("a method call under the profile's prefix is the provider's method call")
            return
        }
        #expect(operations.methodResponse(to: call, status: 200, payload: [])?.topic == "az-second/methods/res/200/?$rid=7")
    }

    /// A profile's builtin flows live in `mappers/az.second/` (thin-edge 2.x's name); their outputs, moved to the
    /// profile's prefix, get Azure's property bag there.
    @Test func theBuiltinFlowsOfAProfile() throws {
        let config = try RecordingConnectorEffects(AzureProvider(), settings: Self.twoHubs).loadConfig()
        let (cloud, selected) = AzureProvider().connection(Self.second, config: config)
        #expect(cloud.mapperDirectoryName == "az.second")
        #expect(AzureProvider().connection(nil, config: config).cloud.mapperDirectoryName == "az")
        let mapper = try #require(cloud.mapper(selected))
        #expect(mapper.builtinFlows("1").map(\.name) == ["mea"])
        let converter = mapper.makeConverter([])
        let output = converter.afterFlows(MQTTMessage(topic: "az-second/messages/events/", text: "{}"))
        #expect(output.topic == "az-second/messages/events/$.ct=application%2Fjson&$.ce=utf-8")
    }
}
