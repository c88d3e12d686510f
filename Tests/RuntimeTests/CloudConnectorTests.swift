import TedgeCloudAws
import TedgeCloudAzure
import TedgeCloudC8y
import TedgeProviderAPI
import TedgeRuntime
import TedgeTestSupport
import Testing

/// `tedge connect`'s decisions against a recording fake of its effects: the transcript line by line,
/// the order of what it does between the lines, and what each outcome of a step leads to.
@Suite struct CloudConnectorTests {
    static let azure = ["az.url": "myhub.azure-devices.net"]
    static let cumulocity = ["c8y.url": "tenant.cumulocity.com"]

    /// What every cloud does up to the mapper, with the broker restarted and enabled in between.
    static func brokerSteps(bridge: String) -> [String] {
        [
            "load tedge.toml", "read device-certs/tedge-certificate.pem", "read device-certs/tedge-certificate.pem",
            "save tedge.toml", "read system.toml",
            "> Checking if local-init is available.", "is local-init available",
            "> Checking if configuration for requested bridge already exists.",
            "> Validating the bridge certificates.", "check certificates",
            "> Saving configuration for requested bridge.",
            "mkdir mosquitto-conf", "write mosquitto-conf/tedge-mosquitto.conf", "write mosquitto-conf/\(bridge)",
            "> Restarting mosquitto service.", "restart mosquitto",
            "> Awaiting mosquitto to start. This may take up to 5 seconds.", "wait for port 1883",
            "> Persisting mosquitto on reboot.", "enable mosquitto",
            "> Successfully created bridge connection!",
        ]
    }

    static func mapperSteps(cloud: String) -> [String] {
        [
            "> Checking if tedge-mapper is installed.", "find tedge-mapper",
            "> Starting tedge-mapper-\(cloud) service.", "restart tedge-mapper-\(cloud)",
            "> Persisting tedge-mapper-\(cloud) on reboot.", "enable tedge-mapper-\(cloud)",
            "wait for up on te/device/main/service/tedge-mapper-\(cloud)/status/health",
            "> tedge-mapper-\(cloud) service successfully started and enabled!",
        ]
    }

    @Test func azurePrintsTheDocumentedTranscript() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: Self.azure)
        try await fake.connector.connect()
        #expect(fake.printed == ConnectTranscript.azure(initSystem: "local-init").flatMap { [$0, ""] })
        #expect(
            fake.steps
                == Self.brokerSteps(bridge: "az-bridge.conf") + Self.mapperSteps(cloud: "az") + [
                    "> Sending packets to check connection. This may take up to 10 seconds.", "check check_connection_az",
                    "> Received expected response message, connection check is successful.",
                ])
        #expect(fake.files["/etc/tedge/mosquitto-conf/az-bridge.conf"]?.contains("connection edge_to_az\n") == true)
        #expect(fake.files["/etc/tedge/mosquitto-conf/tedge-mosquitto.conf"]?.contains("listener 1883") == true)
        // thin-edge pins the root certificate's default in tedge.toml on connect.
        #expect(fake.savedConfig?.storedValue(of: AzureProvider.rootCertPath)?.description == "/etc/ssl/certs")
    }

    @Test func cumulocityRestartsTheBrokerAfterALateSuccessThenChecksTheTenant() async throws {
        let fake = try RecordingConnectorEffects(CumulocityProvider(), settings: Self.cumulocity)
        fake.script { $0.checks = [.success(.success(attempt: 2)), .success(.success(attempt: 1))] }
        try await fake.connector.connect()
        #expect(
            fake.steps
                == Self.brokerSteps(bridge: "c8y-bridge.conf") + Self.mapperSteps(cloud: "c8y") + [
                    "> Sending packets to check connection. This may take up to 20 seconds.", "check check_connection_c8y",
                    "> Received expected response message, connection check is successful.",
                    "> Restarting mosquitto to resubscribe to bridged inbound cloud topics after device creation.",
                    "restart mosquitto",
                    "> Awaiting mosquitto to start. This may take up to 5 seconds.", "wait for port 1883",
                    "check get_jwt_token_c8y",
                ])
    }

    @Test func cumulocityAnsweringAtTheFirstTryNeedsNoRestart() async throws {
        let fake = try RecordingConnectorEffects(CumulocityProvider(), settings: Self.cumulocity)
        fake.script { $0.checks = [.success(.success(attempt: 1)), .success(.success(attempt: 1))] }
        try await fake.connector.connect()
        #expect(
            Array(fake.steps.suffix(3)) == [
                "check check_connection_c8y", "> Received expected response message, connection check is successful.",
                "check get_jwt_token_c8y",
            ])
        #expect(fake.actions.filter { $0 == "restart mosquitto" }.count == 1)
    }

    @Test func theTenantCheckWarnsAndNeverFails() async throws {
        let other = "Warning: Connecting to other.cumulocity.com, but the configured URL is tenant.cumulocity.com."
        let fake = try RecordingConnectorEffects(CumulocityProvider(), settings: Self.cumulocity)
        fake.script { $0.checks = [.success(.success(attempt: 1)), .success(.rejected(other))] }
        try await fake.connector.connect()
        #expect(fake.printed.suffix(2) == [other, ""])

        let silent = try RecordingConnectorEffects(CumulocityProvider(), settings: Self.cumulocity)
        silent.script { $0.checks = [.success(.success(attempt: 1)), .success(.noAnswer)] }
        try await silent.connector.connect()
        #expect(silent.printed.suffix(2) == ["Failed to get the connected tenant URL from Cumulocity.", ""])

        let brokerGone = try RecordingConnectorEffects(CumulocityProvider(), settings: Self.cumulocity)
        brokerGone.script { $0.checks = [.success(.success(attempt: 1)), .failure(TedgeError("no broker"))] }
        try await brokerGone.connector.connect()
        #expect(brokerGone.printed.suffix(2) == ["Failed to get the connected tenant URL from Cumulocity.", ""])
    }

    @Test func awsFollowsTheSameSteps() async throws {
        let fake = try RecordingConnectorEffects(AwsProvider(), settings: ["aws.url": "abc.iot.eu-west-1.amazonaws.com"])
        try await fake.connector.connect()
        #expect(
            fake.steps
                == Self.brokerSteps(bridge: "aws-bridge.conf") + Self.mapperSteps(cloud: "aws") + [
                    "> Sending packets to check connection. This may take up to 10 seconds.", "check check_connection_aws",
                    "> Received expected response message, connection check is successful.",
                ])
    }

    @Test func withoutSystemTomlSystemdIsNamedFirst() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: Self.azure)
        fake.script { $0.initSystem = nil }
        try await fake.connector.connect()
        #expect(
            Array(fake.printed.prefix(4)) == [
                "The system config file '/etc/tedge/system.toml' doesn't exist. Use '/bin/systemctl' as a service manager.", "",
                "Checking if systemd is available.", "",
            ])
    }

    // MARK: the check's verdict comes last and never undoes the connection

    @Test func aRejectedCheckIsAWarning() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: Self.azure)
        fake.script { $0.checks = [.success(.rejected("Azure IoT Hub answered on az/twin/res/401/?$rid=1"))] }
        try await fake.connector.connect()
        #expect(
            Array(fake.steps.suffix(3)) == [
                "check check_connection_az", "> Connection check failed: Azure IoT Hub answered on az/twin/res/401/?$rid=1",
                "> Warning: Bridge has been configured, but Azure connection check failed.",
            ])
        #expect(fake.files["/etc/tedge/mosquitto-conf/az-bridge.conf"] != nil)
    }

    @Test func anUnansweredCheckSaysWhatToVerify() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: Self.azure)
        fake.script { $0.checks = [.success(.noAnswer)] }
        try await fake.connector.connect()
        let steps = fake.steps
        #expect(steps.suffix(3).first == "check check_connection_az")
        #expect(
            steps.suffix(2).first?.hasPrefix(
                "> No response from Azure IoT Hub. Check that:\n  - az.url (myhub.azure-devices.net)") == true)
        #expect(steps.last == "> Warning: Bridge has been configured, but Azure connection check failed.")
        #expect(!fake.actions.contains { $0.hasPrefix("remove") })
    }

    @Test func aBrokerThatCannotBeUsedForTheCheckIsAWarning() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: Self.azure)
        fake.script { $0.checks = [.failure(TedgeError("Operation timed out. Is mosquitto running?"))] }
        try await fake.connector.connect()
        #expect(fake.steps.last == "> Warning: Bridge has been configured, but Azure connection check failed.")
    }

    // MARK: the mapper: its problems are lines, not failures

    @Test func aMissingMapperIsAWarning() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: Self.azure)
        fake.script { $0.mapperInstalled = false }
        try await fake.connector.connect()
        let steps = fake.steps
        let start = try #require(steps.firstIndex(of: "> Checking if tedge-mapper is installed."))
        #expect(
            Array(steps[start...].prefix(4)) == [
                "> Checking if tedge-mapper is installed.", "find tedge-mapper", "> Warning: tedge-mapper is not installed.",
                "> Sending packets to check connection. This may take up to 10 seconds.",
            ])
    }

    @Test func aMapperThatFailsToStartOrEnableIsReported() async throws {
        let start = try RecordingConnectorEffects(AzureProvider(), settings: Self.azure)
        start.script { $0.failing = ["restart tedge-mapper-az"] }
        try await start.connector.connect()
        #expect(start.steps.contains("> Failed to start tedge-mapper-az service: restart tedge-mapper-az failed"))
        #expect(!start.actions.contains("enable tedge-mapper-az"))
        #expect(start.actions.last == "check check_connection_az")

        let enable = try RecordingConnectorEffects(AzureProvider(), settings: Self.azure)
        enable.script { $0.failing = ["enable tedge-mapper-az"] }
        try await enable.connector.connect()
        #expect(enable.steps.contains("> Failed to enable tedge-mapper-az service: enable tedge-mapper-az failed"))
        #expect(!enable.actions.contains("wait for up on te/device/main/service/tedge-mapper-az/status/health"))
        #expect(enable.actions.last == "check check_connection_az")
    }

    @Test func aMapperThatNeverSaysUpIsAWarning() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: Self.azure)
        fake.script { $0.mapperUp = false }
        try await fake.connector.connect()
        #expect(
            fake.printed.contains(
                "Warning: tedge-mapper-az service was started and enabled, but did not report \"up\" on "
                    + "te/device/main/service/tedge-mapper-az/status/health within 10 seconds. Check its log; messages may not be mapped until it is up.")
        )
        #expect(!fake.printed.contains("tedge-mapper-az service successfully started and enabled!"))
        #expect(fake.actions.last == "check check_connection_az")
    }

    @Test func theMapperIsAwaitedOnItsTeHealthTopicUnderTheConfiguredRootAndDevice() async throws {
        let settings = Self.azure.merging(["mqtt.topic_root": "thin-edge", "mqtt.device_topic_id": "device/gateway//"]) { $1 }
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: settings)
        try await fake.connector.connect()
        #expect(fake.actions.contains("wait for up on thin-edge/device/gateway/service/tedge-mapper-az/status/health"))
        #expect(fake.printed == ConnectTranscript.azure(initSystem: "local-init").flatMap { [$0, ""] })
    }

    @Test func cumulocityRecordsTheCertificatesCNForTheMapper() async throws {
        // An id recorded for an earlier certificate is replaced: the bridge connects as the certificate's CN.
        let settings = Self.cumulocity.merging(["c8y.device.id": "an-earlier-device"]) { $1 }
        let fake = try RecordingConnectorEffects(CumulocityProvider(), settings: settings)
        try await fake.connector.connect()
        #expect(fake.savedConfig?.storedValue(of: CumulocityProvider.deviceID) == .string("my-device"))
        #expect(fake.actions.firstIndex(of: "save tedge.toml")! < fake.actions.firstIndex(of: "restart tedge-mapper-c8y")!)

        let azure = try RecordingConnectorEffects(AzureProvider(), settings: Self.azure)
        try await azure.connector.connect()
        #expect(azure.savedConfig?.fileText.contains("device_id") == false)
    }

    // MARK: provisioning comes first, and its settings are saved with the rest

    static let provisioned = ["az.dps.id_scope": "0ne00000001", "az.dps.url": "dps.example.com"]

    @Test func aProvisionedHubIsSavedAndConnectedTo() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: Self.provisioned)
        fake.script {
            $0.provisioning = .success(
                (["az.url": "assigned.azure-devices.net"], "Device provisioned: assigned to hub assigned.azure-devices.net."))
        }
        try await fake.connector.connect()
        #expect(
            Array(fake.steps.prefix(7)) == [
                "load tedge.toml", "read device-certs/tedge-certificate.pem",
                "> Provisioning the device through the Azure Device Provisioning Service (scope 0ne00000001).",
                "provision at dps.example.com:8883",
                "> Device provisioned: assigned to hub assigned.azure-devices.net.",
                "read device-certs/tedge-certificate.pem", "save tedge.toml",
            ])
        #expect(fake.savedConfig?.value(of: AzureProvider.url) == "assigned.azure-devices.net")
        #expect(Array(fake.printed.dropFirst(4)) == ConnectTranscript.azure(initSystem: "local-init").flatMap { [$0, ""] })
        #expect(
            fake.files["/etc/tedge/mosquitto-conf/az-bridge.conf"]?.contains("address assigned.azure-devices.net:8883") == true)
    }
}
