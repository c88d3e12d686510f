import TedgeCloudAws
import TedgeCloudAzure
import TedgeCloudC8y
import TedgeCloudProviderTesting
import TedgeComposition
import TedgeProviderAPI
import Testing

@Suite struct ProviderContractTests {
    @Test func azurePassesTheContract() { ProviderContract.verify(AzureProvider()) }
    @Test func cumulocityPassesTheContract() { ProviderContract.verify(CumulocityProvider()) }
    @Test func awsPluginPassesTheContract() { ProviderContract.verify(AwsProvider()) }

    @Test func theRegistryHasUniqueIDsAndDispatchesByID() throws {
        let registry = BuiltinClouds.registry()
        #expect(registry.ids == ["c8y", "az", "aws"])
        #expect(registry.problems.isEmpty)
        #expect(try registry.provider("aws").displayName == "AWS IoT Core")
        #expect(throws: TedgeError("Unknown cloud 'gcp'. Known clouds: c8y, az, aws.")) { try registry.provider("gcp") }
        let names = registry.configSchema.keys.map(\.name)
        #expect(Set(names).count == names.count)
    }

    @Test func aDuplicateIDIsReported() {
        let registry = CloudRegistry([AzureProvider(), AzureProvider()])
        #expect(registry.ids == ["az"])
        #expect(registry.problems.count == 1)
    }

    /// A provider that gets everything wrong fails with messages that say what is wrong.
    @Test func aBrokenProviderFailsWithClearMessages() {
        let violations = ProviderContract.violations(of: BrokenProvider())
        let rules = Set(violations.map(\.rule))
        for rule in [
            "the id is lower-case letters, digits and '-', starting with a letter, not 'bridge-…'",
            "config keys are named '<id>.…'",
            "every key has a doc line with an example", "every bridge topic sits under the local prefix",
            "the check talks over the provider's local topics", "converted messages go to the cloud's topics",
            "valid Thin Edge JSON is converted", "the remote client id is the device id",
            "config keys live in the provider's [<id>] table", "the endpoint key '<id>.url' is declared",
            "the root CA key '<id>.root.cert.path' is declared",
        ] {
            #expect(rules.contains(rule), "missing violation: \(rule)")
        }
        let text = violations.map(\.description).joined(separator: "\n")
        #expect(
            text.contains(
                "provider 'Bad Cloud' breaks \"every bridge topic sits under the local prefix\": topic # both 0 other/ remote/ has local prefix 'other/'"
            ))
    }
}

/// Deliberately wrong in many ways, for the contract kit's own test.
struct BrokenProvider: CloudProvider {
    let id = "Bad Cloud"
    let names = CloudNames(display: "Broken", cloud: "Broken")
    static let url = ConfigKey("url", table: "bad", field: "url", kind: .connectURL, doc: "no example")
    static let root = ConfigKey("bad.root", table: "elsewhere", field: "root", kind: .flag, doc: "Example: x")
    var configKeys: [ConfigKey] { [Self.url, Self.root] }
    let certificateRequirements = CertificateRequirements(clientCertificateRequired: true, registrationHint: "")

    func bridge(_ context: ConnectionContext) -> BridgeDescription {
        BridgeDescription(
            connection: "bad", address: context.cloud, remoteUsername: nil, rootCertificatePath: context.rootCertificatePath,
            remoteClientID: "someone-else", localClientID: "Bad", certificatePath: context.certificatePath,
            keyPath: context.keyPath, cleanSession: true,
            topics: [BridgeTopic("#", .both, qos: 0, local: "other/", remote: "remote/")])
    }

    func connectionCheck(_ context: ConnectionContext) -> ConnectionCheck {
        ConnectionCheck(
            clientID: "x", subscriptions: ["#"], request: MQTTMessage(topic: "ping", text: ""), troubleshooting: "",
            judge: { _ in .success })
    }

    func mapper(_ config: TedgeConfig) -> MapperDescription? {
        MapperDescription(subscriptions: ["tedge/measurements"]) { EchoConverter() }
    }

    struct EchoConverter: MessageConverter {
        mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
            message.payload.count % 2 == 0
                ? .success([MQTTMessage(topic: "somewhere/else", payload: message.payload)]) : .failure(ConversionError(""))
        }
    }
}
