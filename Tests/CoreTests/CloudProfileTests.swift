import TedgeProviderAPI
import TedgeTOML
import Testing

/// Cloud profiles' names, keys, storage and thin-edge's connect-time checks. The texts are thin-edge's
/// (`crates/common/tedge_config_macros/src/multi.rs`, `crates/core/tedge/src/cli/connect/command.rs`, Robot
/// `tedge_connect_profile_validation.robot`), copied here from the project's reference, section 5.
@Suite struct CloudProfileTests {
    let schema = ConfigSchema(providerKeys: azureLikeKeys)

    func config(_ settings: [(String, String)]) throws -> TedgeConfig {
        var config = TedgeConfig(schema: schema, directory: "/etc/tedge")
        for (name, value) in settings { try config.set(try schema.requireKey(name), to: value) }
        return config
    }

    // MARK: names

    @Test func namesAreLowerCasedLettersDigitsDashesAndUnderscores() throws {
        #expect(try CloudProfileName("SECOND").description == "second")
        #expect(try CloudProfileName("new_hub-2").description == "new_hub-2")
        #expect(throws: TedgeError("Profile names cannot be empty")) { try CloudProfileName("") }
        #expect(throws: TedgeError("Profile names can only contain letters, numbers, `-` or `_`")) { try CloudProfileName("a.b") }
        #expect(throws: TedgeError("Profile names can only contain letters, numbers, `-` or `_`")) { try CloudProfileName("a b") }
        #expect(throws: TedgeError("Profile names must contain at least one letter or number")) { try CloudProfileName("-_") }
    }

    @Test func theOptionWinsOverTheEnvironmentWhereEmptyIsTheDefaultProfile() throws {
        #expect(try CloudProfileName.selected(option: nil, environment: nil) == nil)
        #expect(try CloudProfileName.selected(option: nil, environment: "") == nil)
        #expect(try CloudProfileName.selected(option: nil, environment: "Env")?.description == "env")
        #expect(try CloudProfileName.selected(option: "opt", environment: "env")?.description == "opt")
        #expect(throws: TedgeError("Profile names cannot be empty")) {
            try CloudProfileName.selected(option: "", environment: "env")
        }
    }

    // MARK: keys

    @Test func everyCloudKeyHasAProfileKeyStoredInTheProfilesTable() throws {
        let url = try schema.requireKey("az.profiles.Second.url")
        #expect(url.name == "az.profiles.second.url")
        #expect(url.storage == .toml(table: "az.profiles.second", field: "url"))
        #expect(
            try schema.requireKey("az.profiles.x.root.cert.path").storage
                == .toml(table: "az.profiles.x", field: "root_cert_path"))
        #expect(schema.key(try schema.requireKey("az.url"), in: try CloudProfileName("p")).name == "az.profiles.p.url")
        // Core's keys have no profiles: `--profile` leaves them as they are, and their profile names are unknown keys.
        #expect(schema.key(CoreConfigKeys.mqttPort, in: try CloudProfileName("p")).name == "mqtt.port")
        #expect(throws: TedgeError("Invalid key `mqtt.profiles.p.port'. See `tedge config list --doc` for a list of valid keys."))
        {
            try schema.requireKey("mqtt.profiles.p.port")
        }
        #expect(
            throws: TedgeError("Invalid key `az.profiles.p.nothing'. See `tedge config list --doc` for a list of valid keys.")
        ) {
            try schema.requireKey("az.profiles.p.nothing")
        }
        #expect(throws: TedgeError("Profile names can only contain letters, numbers, `-` or `_`")) {
            try schema.requireKey("az.profiles.a!.url")
        }
    }

    @Test func everyCloudHasATopicPrefixThatDefaultsToItsName() throws {
        let prefix = try schema.requireKey("az.bridge.topic_prefix")
        #expect(prefix.storage == .toml(table: "az", field: "bridge_topic_prefix"))
        #expect(TedgeConfig(schema: schema, directory: "/etc/tedge").value(of: prefix) == "az")
        #expect(
            try config([("az.profiles.second.bridge.topic_prefix", "az-second")]).value("az.profiles.second.bridge.topic_prefix")
                == "az-second")
        for bad in ["", "az/second", "az+", "#"] {
            #expect(throws: TedgeError.self) { try prefix.parse(bad) }
        }
    }

    // MARK: storage

    @Test func tedgeTomlKeepsEachProfileInItsTable() throws {
        let text = """
            [az]
            url = "hub1.azure-devices.net"

            [az.profiles.second]
            url = "hub2.azure-devices.net"
            bridge_topic_prefix = "az-second"

            """
        let config = TedgeConfig(
            schema: schema, directory: "/etc/tedge", document: try schema.validate(try TOMLDocument(parsing: text)))
        #expect(config.fileText == text)
        #expect(config.profiles(of: "az").map(\.description) == ["second"])
        #expect(config.value("az.profiles.second.url") == "hub2.azure-devices.net")
        #expect(throws: TedgeError("unknown field `nothing` in table [az.profiles.second]")) {
            try schema.validate(try TOMLDocument(parsing: "[az.profiles.second]\nnothing = 1\n"))
        }
    }

    @Test func aSelectedProfileReadsAndWritesItsOwnTable() throws {
        let url = try schema.requireKey("az.url")
        var selected = try config([("az.url", "hub1.net"), ("az.mapper.timestamp", "false")])
            .selecting(try CloudProfileName("second"), of: "az")
        #expect(selected.value(of: url) == nil)  // a profile's keys do not fall back to the default profile's values
        #expect(selected.value("az.mapper.timestamp") == "true")
        try selected.set(url, to: "hub2.net")
        selected.pinDefault(try schema.requireKey("az.root.cert.path"))
        #expect(selected.value(of: url) == "hub2.net")
        #expect(selected.value("az.profiles.second.url") == "hub2.net")  // a profile's own key stays itself
        let whole = selected.selecting(nil, of: "az")
        #expect(whole.value(of: url) == "hub1.net")
        #expect(whole.fileText.contains("[az.profiles.second]\nurl = \"hub2.net\"\nroot_cert_path = \"/etc/ssl/certs\"\n"))
        #expect(ConfigListing(config: whole).lines(all: false, doc: false).contains("az.profiles.second.url=hub2.net"))
        #expect(ConfigListing(config: whole).lines(all: false, doc: false).contains("az.url=hub1.net"))
    }

    // MARK: connect-time validation

    func validate(_ settings: [(String, String)], deviceIDs: [String: String] = [:]) throws {
        let cloud = AzureLike()
        try ProfileValidation(cloud: cloud, config: try config(settings)) {
            deviceIDs[$0.selectedProfile?.name.description ?? ""] ?? "my-device"
        }.check()
    }

    @Test func profilesNeedDistinctTopicPrefixes() throws {
        #expect(
            throws: TedgeError(
                "The configurations: az.bridge.topic_prefix, az.profiles.second.bridge.topic_prefix should be set to different values before connecting, but are currently set to the same value"
            )
        ) {
            try validate([("az.url", "hub1.net"), ("az.profiles.second.url", "hub2.net")])
        }
        try validate([
            ("az.url", "hub1.net"), ("az.profiles.second.url", "hub2.net"),
            ("az.profiles.second.bridge.topic_prefix", "az-second"),
        ])
        // A profile without a URL is not a connection yet, and is not compared.
        try validate([("az.url", "hub1.net"), ("az.profiles.second.mapper.timestamp", "false")])
    }

    @Test func profilesWithOneURLNeedDistinctDeviceIDs() throws {
        let sameHub = [
            ("az.url", "hub.net"), ("az.profiles.second.url", "hub.net"), ("az.profiles.second.bridge.topic_prefix", "az-second"),
        ]
        #expect(
            throws: TedgeError(
                """
                You have matching URLs and device IDs for different profiles.

                az.url, az.profiles.second.url are set to the same value, but so are az.device.id, az.profiles.second.device.id.

                Each cloud profile requires either a unique URL or unique device ID, so it corresponds to a unique device in the associated cloud.
                """)
        ) {
            try validate(sameHub)
        }
        try validate(sameHub, deviceIDs: ["second": "other-device"])
    }
}

/// The smallest provider with the Azure-like keys: these checks are Core's, the same for every cloud.
private struct AzureLike: CloudProvider {
    let id = "az"
    let names = CloudNames(display: "Azure IoT Hub", cloud: "Azure")
    let configKeys = azureLikeKeys
    let certificateRequirements = CertificateRequirements(
        clientCertificateRequired: true, registrationHint: "", recommendedRootCertificate: nil, renewalHint: "")
    func bridge(_ context: ConnectionContext) -> BridgeDescription {
        BridgeDescription(
            connection: "edge_to_az", address: context.cloud, remoteUsername: nil, rootCertificatePath: "", remoteClientID: "",
            localClientID: "Azure", certificatePath: "", keyPath: "", cleanSession: false, topics: [])
    }
    func connectionCheck(_ context: ConnectionContext) -> ConnectionCheck {
        ConnectionCheck(clientID: "c", subscriptions: [], request: MQTTMessage(topic: "az/x", payload: []), troubleshooting: "") {
            _ in
            .success
        }
    }
    func mapper(_ config: TedgeConfig) -> MapperDescription? { nil }
}
