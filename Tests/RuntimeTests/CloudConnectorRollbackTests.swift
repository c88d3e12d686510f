import TedgeCloudAzure
import TedgeCloudC8y
import TedgeProviderAPI
import TedgeRuntime
import Testing

/// Every step of `tedge connect` that can fail: what was refused before anything was written leaves
/// nothing behind, and a failure once the bridge file exists removes it and restarts the broker again.
@Suite struct CloudConnectorRollbackTests: ConnectorRefusalChecks {
    static let bridge = "/etc/tedge/mosquitto-conf/az-bridge.conf"
    static func writes(_ action: String) -> Bool {
        ["write", "mkdir", "remove"].contains(String(action.prefix { $0 != " " }))
    }

    func azure(_ change: (inout RecordingConnectorEffects.Script) -> Void = { _ in }) throws -> RecordingConnectorEffects {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: ["az.url": "myhub.azure-devices.net"])
        fake.script(change)
        return fake
    }

    /// Nothing on disk changed and no service was touched.
    func expectNothingDone(_ fake: RecordingConnectorEffects, saved: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(fake.files.isEmpty, sourceLocation: sourceLocation)
        #expect(!fake.actions.contains(where: Self.writes), "\(fake.actions)", sourceLocation: sourceLocation)
        #expect(!fake.actions.contains(where: Self.serviceActions), "\(fake.actions)", sourceLocation: sourceLocation)
        #expect((fake.savedConfig != nil) == saved, sourceLocation: sourceLocation)
    }

    // MARK: refused before anything is written

    @Test func aMissingURLSavesNothing() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider())
        _ = await refused(
            fake,
            with: "A value for `az.url` is missing.\n    A value can be set with `tedge config set az.url <value>`")
        expectNothingDone(fake, saved: false)
        #expect(fake.printed.isEmpty)
    }

    @Test func aMissingCertificateSavesNothing() async throws {
        let fake = await refused(
            try azure { $0.deviceID = nil },
            with:
                "Config value device.id, cannot be configured: The device id is read from the device certificate.\nTo set 'device.id' to some <id>, you can use `tedge cert create --device-id <id>`. "
        )
        expectNothingDone(fake, saved: false)
    }

    @Test func aFailedProvisioningSavesNothing() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: ["az.dps.id_scope": "0ne00000001"])
        fake.script { $0.provisioning = .failure(TedgeError("The provisioning service refused the connection.")) }
        _ = await refused(fake, with: "The provisioning service refused the connection.")
        expectNothingDone(fake, saved: false)
        #expect(
            fake.actions == [
                "load tedge.toml", "read device-certs/tedge-certificate.pem",
                "provision at global.azure-devices-provisioning.net:8883",
            ])
    }

    @Test func aProvisionedSettingThatIsNoKeySavesNothing() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: ["az.dps.id_scope": "0ne00000001"])
        fake.script { $0.provisioning = .success((["az.hub": "x"], "assigned")) }
        _ = await refused(fake, with: "The provisioning service assigned 'az.hub', which is not a configuration key")
        expectNothingDone(fake, saved: false)
    }

    @Test func anUnreadableSystemTomlWritesNothing() async throws {
        let fake = await refused(try azure { $0.initSystemError = TedgeError("Toml syntax error") }, with: "Toml syntax error")
        expectNothingDone(fake, saved: true)
        #expect(fake.printed.isEmpty)
    }

    @Test func anExistingBridgeWritesNothing() async throws {
        let fake = await refused(
            try azure { $0.files[Self.bridge] = "existing" },
            with: "Connection is already established. To remove existing connection use 'tedge disconnect az' and try again.")
        #expect(fake.files == [Self.bridge: "existing"])
        #expect(!fake.actions.contains(where: Self.writes))
        #expect(!fake.actions.contains(where: Self.serviceActions))
        #expect(fake.printed.last(where: { !$0.isEmpty }) == "Checking if configuration for requested bridge already exists.")
    }

    @Test func refusedCertificatesWriteNothing() async throws {
        let fake = await refused(
            try azure { $0.certificates = .failure(TedgeError("The device certificate '/c' expired on Mon, 1 Jan 2024.")) },
            with: "The device certificate '/c' expired on Mon, 1 Jan 2024.")
        expectNothingDone(fake, saved: true)
        #expect(fake.printed.last(where: { !$0.isEmpty }) == "Validating the bridge certificates.")
    }

    @Test func certificateWarningsAreLinesAndTheConnectionGoesOn() async throws {
        let fake = try azure { $0.certificates = .success(["Warning: The device certificate '/c' expires on Mon, 1 Jan 2024."]) }
        try await fake.connector.connect()
        let steps = fake.steps
        let check = try #require(steps.firstIndex(of: "check certificates"))
        #expect(steps[check + 1] == "> Warning: The device certificate '/c' expires on Mon, 1 Jan 2024.")
        #expect(steps[check + 2] == "> Saving configuration for requested bridge.")
    }

    @Test func aControlCharacterInTheBridgeWritesNothing() async throws {
        let fake = try azure { $0.deviceID = "my\ndevice" }
        await #expect(throws: (any Error).self) { try await fake.connector.connect() }
        expectNothingDone(fake, saved: true)
        #expect(fake.printed.last(where: { !$0.isEmpty }) == "Saving configuration for requested bridge.")
    }

    // MARK: failing while writing: no bridge file remains

    @Test(arguments: ["mkdir mosquitto-conf", "write mosquitto-conf/tedge-mosquitto.conf", "write mosquitto-conf/az-bridge.conf"])
    func aFailedWriteLeavesNoBridge(step: String) async throws {
        let fake = await refused(try azure { $0.failing = [step] }, with: "\(step) failed")
        #expect(fake.files[Self.bridge] == nil)
        #expect(fake.actions.suffix(2) == [step, "remove mosquitto-conf/az-bridge.conf"])
        #expect(!fake.actions.contains(where: Self.serviceActions))
    }

    // MARK: failing once the bridge is written: removed, and the broker restarted without it

    static let rollback = ["remove mosquitto-conf/az-bridge.conf", "restart mosquitto"]

    @Test func aFailedBrokerRestartIsRolledBack() async throws {
        let fake = await refused(try azure { $0.failing = ["restart mosquitto"] }, with: "restart mosquitto failed")
        #expect(fake.steps.suffix(4) == ["> Restarting mosquitto service.", "restart mosquitto"] + Self.rollback)
        #expect(fake.files[Self.bridge] == nil)
        #expect(fake.files["/etc/tedge/mosquitto-conf/tedge-mosquitto.conf"] != nil)
    }

    @Test func aBrokerThatDoesNotListenIsRolledBack() async throws {
        let fake = await refused(
            try azure { $0.listening = [false] },
            with:
                "mosquitto is not listening on port 1883 after the restart. Check the broker's log, and that its configuration includes '/etc/tedge/mosquitto-conf' (include_dir)."
        )
        #expect(fake.actions.suffix(3) == ["wait for port 1883"] + Self.rollback)
        #expect(fake.files[Self.bridge] == nil)
    }

    @Test func aFailedBrokerEnableIsRolledBack() async throws {
        let fake = await refused(try azure { $0.failing = ["enable mosquitto"] }, with: "enable mosquitto failed")
        #expect(fake.steps.suffix(4) == ["> Persisting mosquitto on reboot.", "enable mosquitto"] + Self.rollback)
        #expect(fake.files[Self.bridge] == nil)
        #expect(!fake.actions.contains { $0.contains("tedge-mapper") })
    }

    @Test func aRollbackThatFailsToRemoveStillRestartsAndReportsTheFirstError() async throws {
        let fake = await refused(
            try azure { $0.failing = ["enable mosquitto", "remove mosquitto-conf/az-bridge.conf"] },
            with: "enable mosquitto failed")
        #expect(fake.actions.suffix(3) == ["enable mosquitto"] + Self.rollback)
    }

    // MARK: without an init system: configured, and the user is told to start the services

    @Test func anUnavailableInitSystemLeavesTheFilesAndSaysWhatToDo() async throws {
        let fake = await refused(
            try azure { $0.servicesAvailable = false },
            with: "Service Manager: 'local-init' is not available on the system or elevated permissions have not been granted.")
        #expect(fake.files[Self.bridge] != nil)
        #expect(!fake.actions.contains(where: Self.serviceActions))
        #expect(
            fake.printed.filter { !$0.isEmpty } == [
                "Checking if local-init is available.",
                "Warning: 'local-init' service manager is not available on the system.",
                "Checking if configuration for requested bridge already exists.",
                "Validating the bridge certificates.",
                "Saving configuration for requested bridge.",
                """
                'tedge connect' configured the necessary tedge components, but you will have to start the required services on your own.
                Start/restart mosquitto and other thin edge components.
                thin-edge.io works seamlessly with 'local-init'.
                """,
            ])
    }

    // MARK: after the check

    @Test func aFailedLateRestartIsReportedAndTheWorkingBridgeStays() async throws {
        let fake = try RecordingConnectorEffects(CumulocityProvider(), settings: ["c8y.url": "tenant.cumulocity.com"])
        fake.script {
            $0.checks = [.success(.success(attempt: 2))]
            $0.failingAfter = ["restart mosquitto": 1]  // the first restart works, the late one fails
        }
        let error = await #expect(throws: TedgeError.self) { try await fake.connector.connect() }
        #expect(error?.description == "restart mosquitto failed")
        #expect(fake.files["/etc/tedge/mosquitto-conf/c8y-bridge.conf"] != nil)
        #expect(
            fake.steps.suffix(2) == [
                "> Restarting mosquitto to resubscribe to bridged inbound cloud topics after device creation.",
                "restart mosquitto",
            ])
    }
}
