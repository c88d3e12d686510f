import TedgeCloudAzure
import TedgeProviderAPI
import TedgeRuntime
import Testing

/// `tedge connect` and `tedge disconnect` with `mqtt.bridge.built_in = true`: no mosquitto bridge file (a stale one
/// is removed), a marker under `built-in-bridge/` instead, and the check waits for the mapper's bridge to say `up`.
@Suite struct CloudConnectorBuiltInBridgeTests: ConnectorRefusalChecks {
    static let marker = "/etc/tedge/built-in-bridge/az"
    static let bridge = "/etc/tedge/mosquitto-conf/az-bridge.conf"
    static let bridgeHealth = "te/device/main/service/tedge-mapper-bridge-az/status/health"
    static let transcriptLine = "Bridge: built into tedge-mapper-az; no mosquitto bridge file written."
    static let writes = [
        "mkdir mosquitto-conf", "write mosquitto-conf/tedge-mosquitto.conf", "remove mosquitto-conf/az-bridge.conf",
        "mkdir built-in-bridge", "write built-in-bridge/az",
    ]

    func azure(_ change: (inout RecordingConnectorEffects.Script) -> Void = { _ in }) throws -> RecordingConnectorEffects {
        let fake = try RecordingConnectorEffects(
            AzureProvider(), settings: ["az.url": "myhub.azure-devices.net", "mqtt.bridge.built_in": "true"])
        fake.script(change)
        return fake
    }

    // MARK: connect

    @Test func theMarkerReplacesTheBridgeFileAndTheCheckWaitsForTheBridge() async throws {
        let fake = try azure()
        try await fake.connector.connect()
        #expect(
            fake.steps
                == [
                    "load tedge.toml", "read device-certs/tedge-certificate.pem", "read device-certs/tedge-certificate.pem",
                    "save tedge.toml", "read system.toml",
                    "> Checking if local-init is available.", "is local-init available",
                    "> Checking if configuration for requested bridge already exists.",
                    "> Validating the bridge certificates.", "check certificates",
                    "> Saving configuration for requested bridge.",
                ] + Self.writes + [
                    "> \(Self.transcriptLine)",
                    "> Restarting mosquitto service.", "restart mosquitto",
                    "> Awaiting mosquitto to start. This may take up to 5 seconds.", "wait for port 1883",
                    "> Persisting mosquitto on reboot.", "enable mosquitto",
                ] + CloudConnectorTests.mapperSteps(cloud: "az") + [
                    "find tedge-mapper", "wait for up on \(Self.bridgeHealth)",
                    "> Sending packets to check connection. This may take up to 10 seconds.", "check check_connection_az",
                    "> Received expected response message, connection check is successful.",
                ])
        // The step lines each followed by an empty line, and no "Successfully created bridge connection!".
        #expect(fake.printed == fake.printed.filter { !$0.isEmpty }.flatMap { [$0, ""] })
        #expect(!fake.printed.contains("Successfully created bridge connection!"))
        #expect(fake.files[Self.bridge] == nil)
        let marker = try #require(fake.files[Self.marker])
        #expect(marker.hasPrefix("# tedge connect az: bridged by tedge-mapper-az (mqtt.bridge.built_in = true)\n"))
        #expect(marker.contains("remote myhub.azure-devices.net:8883 client_id my-device clean_session false\n"))
        #expect(fake.files["/etc/tedge/mosquitto-conf/tedge-mosquitto.conf"]?.contains("listener 1883") == true)
    }

    @Test func aStaleMosquittoBridgeFileIsRemoved() async throws {
        let fake = try azure { $0.files[Self.bridge] = "### an earlier mosquitto bridge" }
        try await fake.connector.connect()
        #expect(fake.files[Self.bridge] == nil)
        #expect(fake.files[Self.marker] != nil)
    }

    @Test func aBridgeThatNeverSaysUpIsAWarningAndTheCheckRuns() async throws {
        let fake = try azure { $0.bridgeUp = false }
        try await fake.connector.connect()
        let steps = fake.steps
        let wait = try #require(steps.firstIndex(of: "wait for up on \(Self.bridgeHealth)"))
        #expect(
            Array(steps[(wait + 1)...].prefix(2)) == [
                "> Warning: the built-in bridge did not report \"up\" on \(Self.bridgeHealth) within 10 seconds: "
                    + "tedge-mapper-az is not connected to the cloud yet.",
                "> Sending packets to check connection. This may take up to 10 seconds.",
            ])
        #expect(fake.files[Self.marker] != nil)
    }

    @Test func theWarningSaysWhyTheBridgeIsNotUpWhenTheBridgeSaid() async throws {
        let fake = try azure {
            $0.bridgeUp = false
            $0.bridgeCloudError = "the proxy refused the tunnel: 403 Forbidden"
        }
        try await fake.connector.connect()
        #expect(
            fake.steps.contains(
                "> Warning: the built-in bridge did not report \"up\" on \(Self.bridgeHealth) within 10 seconds: "
                    + "tedge-mapper-az is not connected to the cloud yet (the proxy refused the tunnel: 403 Forbidden)."))
    }

    @Test func withoutTheMapperThereIsNoBridgeToWaitFor() async throws {
        let fake = try azure { $0.mapperInstalled = false }
        try await fake.connector.connect()
        #expect(!fake.actions.contains("wait for up on \(Self.bridgeHealth)"))
        #expect(fake.actions.last == "check check_connection_az")
    }

    // MARK: refused or rolled back

    @Test func anExistingMarkerWritesNothing() async throws {
        let fake = await refused(
            try azure { $0.files[Self.marker] = "existing" },
            with: "Connection is already established. To remove existing connection use 'tedge disconnect az' and try again.")
        #expect(fake.files == [Self.marker: "existing"])
        #expect(!fake.actions.contains { Self.writes.contains($0) })
        #expect(!fake.actions.contains(where: Self.serviceActions))
    }

    /// Whatever step of writing fails, the marker is absent and no service was touched.
    @Test(arguments: writes)
    func aFailedWriteLeavesNoMarker(step: String) async throws {
        let fake = await refused(try azure { $0.failing = [step] }, with: "\(step) failed")
        #expect(fake.files[Self.marker] == nil)
        #expect(fake.actions.last == step)
        #expect(!fake.printed.contains(Self.transcriptLine))
        #expect(!fake.actions.contains(where: Self.serviceActions))
    }

    static let rollback = ["remove built-in-bridge/az", "restart mosquitto"]

    @Test func aFailedBrokerRestartRemovesTheMarker() async throws {
        let fake = await refused(try azure { $0.failing = ["restart mosquitto"] }, with: "restart mosquitto failed")
        #expect(fake.steps.suffix(4) == ["> Restarting mosquitto service.", "restart mosquitto"] + Self.rollback)
        #expect(fake.files[Self.marker] == nil)
    }

    @Test func aBrokerThatDoesNotListenRemovesTheMarker() async throws {
        let fake = await refused(
            try azure { $0.listening = [false] },
            with:
                "mosquitto is not listening on port 1883 after the restart. Check the broker's log, and that its configuration includes '/etc/tedge/mosquitto-conf' (include_dir)."
        )
        #expect(fake.actions.suffix(3) == ["wait for port 1883"] + Self.rollback)
        #expect(fake.files[Self.marker] == nil)
    }

    @Test func aFailedBrokerEnableRemovesTheMarkerAndStartsNoMapper() async throws {
        let fake = await refused(try azure { $0.failing = ["enable mosquitto"] }, with: "enable mosquitto failed")
        #expect(fake.steps.suffix(4) == ["> Persisting mosquitto on reboot.", "enable mosquitto"] + Self.rollback)
        #expect(fake.files[Self.marker] == nil)
        #expect(!fake.actions.contains { $0.contains("tedge-mapper") })
    }

    @Test func anUnavailableInitSystemKeepsTheMarkerAndSaysWhatToDo() async throws {
        let fake = await refused(
            try azure { $0.servicesAvailable = false },
            with: "Service Manager: 'local-init' is not available on the system or elevated permissions have not been granted.")
        #expect(fake.files[Self.marker] != nil)
        #expect(!fake.actions.contains(where: Self.serviceActions))
        #expect(
            Array(fake.printed.filter { !$0.isEmpty }.suffix(2)) == [
                Self.transcriptLine,
                """
                'tedge connect' configured the necessary tedge components, but you will have to start the required services on your own.
                Start/restart mosquitto and other thin edge components.
                thin-edge.io works seamlessly with 'local-init'.
                """,
            ])
    }

    // MARK: test and disconnect

    @Test func theTestNeedsTheMarkerNotABridgeFile() async throws {
        let bridgeOnly = try azure { $0.files[Self.bridge] = "### Bridge" }
        let error = await #expect(throws: TedgeError.self) { try await bridgeOnly.connector.test() }
        #expect(error?.description == "Device is not connected to Azure cloud")
        #expect(!bridgeOnly.actions.contains { $0.hasPrefix("check") })

        let marked = try azure { $0.files[Self.marker] = "marker" }
        try await marked.connector.test()
        #expect(marked.actions.last == "check check_connection_az")
    }

    @Test func disconnectRemovesTheMarkerRestartsTheBrokerAndStopsTheMapper() async throws {
        let fake = try azure { $0.files[Self.marker] = "marker" }
        try await fake.connector.disconnect()
        #expect(fake.steps == CloudConnectorDisconnectTests.azureDisconnectSteps)
        #expect(fake.files.isEmpty)
    }
}
