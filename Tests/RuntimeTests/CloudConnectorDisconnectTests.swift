import TedgeCloudAzure
import TedgeCloudC8y
import TedgeProviderAPI
import TedgeRuntime
import Testing

/// `tedge disconnect` and `tedge connect --test` against the recording fake.
@Suite struct CloudConnectorDisconnectTests {
    static let bridge = "/etc/tedge/mosquitto-conf/az-bridge.conf"

    func connected(_ change: (inout RecordingConnectorEffects.Script) -> Void = { _ in }) throws -> RecordingConnectorEffects {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: ["az.url": "myhub.azure-devices.net"])
        fake.script {
            $0.files[Self.bridge] = "### Bridge"
            change(&$0)
        }
        return fake
    }

    // MARK: disconnect

    /// Azure's disconnect, whichever bridge it had: both bridge files are removed (only one exists).
    static let azureDisconnectSteps = [
        "> Removing Azure bridge.", "remove built-in-bridge/az", "remove mosquitto-conf/az-bridge.conf",
        "read system.toml", "is local-init available",
        "> Applying changes to mosquitto.", "is mosquitto active", "restart mosquitto",
        "> Azure Bridge successfully disconnected!", "find tedge-mapper",
        "> Stopping tedge-mapper-az service.", "stop tedge-mapper-az",
        "> Disabling tedge-mapper-az service.", "disable tedge-mapper-az",
        "> tedge-mapper-az service successfully stopped and disabled!",
    ]

    @Test func disconnectRemovesTheBridgeRestartsTheBrokerAndStopsTheMapper() async throws {
        let fake = try connected()
        try await fake.connector.disconnect()
        #expect(fake.steps == Self.azureDisconnectSteps)
        #expect(fake.files.isEmpty)
        #expect(fake.printed == fake.printed.filter { !$0.isEmpty }.flatMap { [$0, ""] })  // each step line, then an empty one
    }

    @Test func disconnectWithoutABridgeTouchesNothingElse() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider())
        try await fake.connector.disconnect()
        #expect(
            fake.steps == [
                "> Removing Azure bridge.", "remove built-in-bridge/az", "remove mosquitto-conf/az-bridge.conf",
                "> Bridge doesn't exist. Operation finished!",
            ])
    }

    @Test func disconnectWithoutAnInitSystemSaysSo() async throws {
        let fake = try connected { $0.servicesAvailable = false }
        try await fake.connector.disconnect()
        #expect(
            fake.steps.suffix(2) == [
                "is local-init available",
                "> Service manager 'local-init' is not available, skipping stopping/disabling of tedge components.",
            ])
        #expect(fake.files.isEmpty)
    }

    @Test func anInactiveBrokerIsNotStarted() async throws {
        let fake = try connected { $0.activeServices = [] }
        try await fake.connector.disconnect()
        #expect(!fake.actions.contains("restart mosquitto"))
        #expect(fake.printed.contains("Azure Bridge successfully disconnected!"))
    }

    @Test func mapperFailuresAreLinesAndTheDisconnectGoesOn() async throws {
        let fake = try connected { $0.failing = ["stop tedge-mapper-az", "disable tedge-mapper-az", "restart mosquitto"] }
        try await fake.connector.disconnect()
        let lines = fake.printed.filter { !$0.isEmpty }
        #expect(lines.contains("Azure Bridge successfully disconnected!"))
        #expect(lines.contains("Failed to stop tedge-mapper-az service: stop tedge-mapper-az failed"))
        #expect(lines.contains("Failed to disable tedge-mapper-az service: disable tedge-mapper-az failed"))
        #expect(lines.last == "tedge-mapper-az service successfully stopped and disabled!")
    }

    @Test func withoutAMapperOnlyTheBridgeGoes() async throws {
        let fake = try connected { $0.mapperInstalled = false }
        try await fake.connector.disconnect()
        #expect(fake.steps.suffix(2) == ["> Azure Bridge successfully disconnected!", "find tedge-mapper"])
    }

    @Test func cumulocityUsesItsBridgeName() async throws {
        let fake = try RecordingConnectorEffects(CumulocityProvider())
        fake.script { $0.files["/etc/tedge/mosquitto-conf/c8y-bridge.conf"] = "### Bridge" }
        try await fake.connector.disconnect()
        #expect(fake.printed.first == "Removing C8y bridge.")
        #expect(fake.printed.contains("C8y Bridge successfully disconnected!"))
        #expect(fake.printed.contains("tedge-mapper-c8y service successfully stopped and disabled!"))
    }

    // MARK: connect --test

    @Test func testRunsTheCheckAndChangesNothing() async throws {
        let fake = try connected()
        try await fake.connector.test()
        #expect(
            fake.steps == [
                "load tedge.toml", "read device-certs/tedge-certificate.pem",
                "> Sending packets to check connection. This may take up to 10 seconds.", "check check_connection_az",
                "> Received expected response message, connection check is successful.",
            ])
        #expect(fake.files == [Self.bridge: "### Bridge"])
        #expect(fake.savedConfig == nil)
    }

    @Test func testWithoutABridgeIsAnError() async throws {
        let fake = try RecordingConnectorEffects(AzureProvider(), settings: ["az.url": "myhub.azure-devices.net"])
        let error = await #expect(throws: TedgeError.self) { try await fake.connector.test() }
        #expect(error?.description == "Device is not connected to Azure cloud")
        #expect(fake.actions == ["load tedge.toml"])
    }

    @Test func anUnansweredTestFailsWithWhatToVerify() async throws {
        let fake = try connected { $0.checks = [.success(.noAnswer)] }
        let error = await #expect(throws: TedgeError.self) { try await fake.connector.test() }
        let troubleshooting = try #require(fake.printed.last(where: { !$0.isEmpty }))
        #expect(troubleshooting.hasPrefix("No response from Azure IoT Hub. Check that:"))
        #expect(error?.description == "No response from Azure IoT Hub within 10 seconds.\n\(troubleshooting)")
    }

    @Test func aRejectedTestFailsWithTheReason() async throws {
        let fake = try connected { $0.checks = [.success(.rejected("Azure IoT Hub answered on az/twin/res/401/?$rid=1"))] }
        let error = await #expect(throws: TedgeError.self) { try await fake.connector.test() }
        #expect(fake.printed.last == "Connection check failed: Azure IoT Hub answered on az/twin/res/401/?$rid=1")
        #expect(error?.description == "The connection check failed: Azure IoT Hub answered on az/twin/res/401/?$rid=1")
    }

    @Test func aBrokerThatCannotBeUsedFailsTheTestWithItsCause() async throws {
        let fake = try connected {
            $0.checks = [.failure(TedgeError("Operation timed out. Is mosquitto running?"))]
        }
        let error = await #expect(throws: TedgeError.self) { try await fake.connector.test() }
        #expect(error?.description == "Operation timed out. Is mosquitto running?")
    }
}
