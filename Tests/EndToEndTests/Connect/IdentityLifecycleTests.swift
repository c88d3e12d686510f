import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import Testing

/// A device identity over its life: a renewed certificate taken over through the secondary
/// thumbprint, a CA-signed certificate accepted through its CA, and zero-touch provisioning through
/// the simulated Device Provisioning Service. (A certificate that does not match the key is refused
/// before anything is written: ConnectAzureTests.aCertificateThatDoesNotMatchTheKeyIsRefused.)
@Suite(.serialized) struct IdentityLifecycleTests {
    // MARK: renewal and the secondary thumbprint

    @Test func aRenewedCertificateRegisteredAsSecondaryConnects() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure(deviceID: "renewed-device")
        device.expectSuccess(try await device.tedge("connect", "az"))
        let before = try String(contentsOfFile: device.certificatePath, encoding: .utf8)

        device.expectSuccess(try await device.tedge("cert", "renew"))
        #expect(try String(contentsOfFile: device.certificatePath, encoding: .utf8) != before)
        device.expectSuccess(
            try await device.simulatorCommand("register", "--certificate", device.certificatePath, "--secondary"))
        device.expectSuccess(try await device.tedge("disconnect", "az"))

        let connect = try await device.tedge("connect", "az")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Received expected response message, connection check is successful."))
        try await expectMeasurementArrives(device, deviceID: "renewed-device")
    }

    @Test func aRenewedCertificateThatIsNotRegisteredIsRefusedByTheCheck() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure(deviceID: "renewed-device")
        device.expectSuccess(try await device.tedge("cert", "renew"))

        let connect = try await device.tedge("connect", "az")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Warning: Bridge has been configured, but Azure connection check failed."))
        #expect(!connect.standardOutput.contains("connection check is successful."))
        #expect(try String(contentsOfFile: device.simulatorLog, encoding: .utf8).contains("is not registered"))
    }

    // MARK: a CA-signed device

    @Test func aCASignedDeviceConnectsWithOnlyItsCARegistered() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        let ca = try await TestAuthority(directory: device.root + "/device-ca")
        try await installCASignedCertificate(device, deviceID: "ca-device", authority: ca)
        device.expectSuccess(try await device.simulatorCommand("register", "--ca", ca.certificatePath))
        device.expectSuccess(try await device.tedge("config", "set", "az.url", "localhost:\(device.simulatorTLSPort)"))
        device.expectSuccess(try await device.tedge("config", "set", "az.root.cert.path", device.caPath))

        let connect = try await device.tedge("connect", "az")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Received expected response message, connection check is successful."))
        try await expectMeasurementArrives(device, deviceID: "ca-device")

        let show = try await device.tedge("cert", "show")
        #expect(show.standardOutput.contains("Type: CA-signed"))
        let renew = try await device.tedge("cert", "renew")
        #expect(renew.status == .exited(1))
        #expect(renew.standardError.contains("Renew a CA-signed certificate through your CA"))
    }

    // MARK: zero-touch provisioning

    @Test func aDeviceKnowingOnlyTheIDScopeIsProvisionedAndConnects() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        let ca = try await TestAuthority(directory: device.root + "/device-ca")
        try await installCASignedCertificate(device, deviceID: "dps-device", authority: ca)
        let enroll = try await device.simulatorCommand("enroll", "--ca", ca.certificatePath)
        device.expectSuccess(enroll)
        #expect(enroll.standardOutput.contains("id_scope=\(device.simulatorIDScope)"))
        try await configureProvisioning(device, idScope: device.simulatorIDScope)

        let connect = try await device.tedge("connect", "az")
        device.expectSuccess(connect)
        let lines = connect.standardOutput.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "Provisioning the device through the Azure Device Provisioning Service (scope \(device.simulatorIDScope)).")
        #expect(lines.dropFirst().first == "Device provisioned: assigned to hub localhost:\(device.simulatorTLSPort).")
        #expect(Array(lines.dropFirst(2)) == ConnectAzureTests.documentedTranscript)
        let url = try await device.tedge("config", "get", "az.url")
        #expect(url.standardOutput == "localhost:\(device.simulatorTLSPort)\n")
        try await expectMeasurementArrives(device, deviceID: "dps-device")
    }

    @Test func anUnknownIDScopeIsRefusedAndNothingIsWritten() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        let ca = try await TestAuthority(directory: device.root + "/device-ca")
        try await installCASignedCertificate(device, deviceID: "dps-device", authority: ca)
        device.expectSuccess(try await device.simulatorCommand("enroll", "--ca", ca.certificatePath))
        try await configureProvisioning(device, idScope: "0ne99999999")
        let configBefore = try String(contentsOfFile: device.configDirectory + "/tedge.toml", encoding: .utf8)

        let connect = try await device.tedge("connect", "az")
        #expect(connect.status == .exited(1))
        #expect(
            connect.standardError.hasPrefix("Error: failed to connect Azure cloud.\n\nCaused by:\n"), "\(connect.standardError)")
        #expect(connect.standardError.contains("refused the connection"))
        #expect(connect.standardError.contains("not authorised"))
        #expect(connect.standardError.contains("az.dps.id_scope (0ne99999999)"))
        #expect(try String(contentsOfFile: device.configDirectory + "/tedge.toml", encoding: .utf8) == configBefore)
        #expect(!FileManager.default.fileExists(atPath: device.bridgeFile))
    }

    @Test func aDeviceThatIsNotEnrolledIsRefusedWithTheServicesMessage() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        device.expectSuccess(try await device.tedge("cert", "create", "--device-id", "stranger"))
        try await configureProvisioning(device, idScope: device.simulatorIDScope)
        let configBefore = try String(contentsOfFile: device.configDirectory + "/tedge.toml", encoding: .utf8)

        let connect = try await device.tedge("connect", "az")
        #expect(connect.status == .exited(1))
        #expect(
            connect.standardError.hasPrefix("Error: failed to connect Azure cloud.\n\nCaused by:\n"), "\(connect.standardError)")
        #expect(connect.standardError.contains("(status 401): The device stranger is not enrolled"))
        #expect(try String(contentsOfFile: device.configDirectory + "/tedge.toml", encoding: .utf8) == configBefore)
    }

    @Test func aDisabledEnrollmentIsRefusedWithTheServicesMessage() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        device.expectSuccess(try await device.tedge("cert", "create", "--device-id", "disabled-device"))
        device.expectSuccess(try await device.simulatorCommand("enroll", "--certificate", device.certificatePath, "--disable"))
        try await configureProvisioning(device, idScope: device.simulatorIDScope)

        let connect = try await device.tedge("connect", "az")
        #expect(connect.status == .exited(1))
        #expect(connect.standardError.contains("The enrollment of disabled-device is disabled."), "\(connect.standardError)")
        #expect(try await device.tedge("config", "get", "az.url").standardOutput.contains("is not set"))
    }

    // MARK: helpers

    private func configureProvisioning(_ device: DeviceEnvironment, idScope: String) async throws {
        device.expectSuccess(try await device.tedge("config", "set", "az.dps.id_scope", idScope))
        device.expectSuccess(try await device.tedge("config", "set", "az.dps.url", "localhost:\(device.simulatorTLSPort)"))
        device.expectSuccess(try await device.tedge("config", "set", "az.root.cert.path", device.caPath))
    }

    /// `tedge cert create-csr`, signed by `authority` with the openssl CLI, then `tedge cert install`.
    private func installCASignedCertificate(_ device: DeviceEnvironment, deviceID: String, authority: TestAuthority) async throws
    {
        let csr = device.root + "/device.csr"
        device.expectSuccess(try await device.tedge("cert", "create-csr", "--device-id", deviceID, "--output-path", csr))
        let signed = try await authority.sign(csr: csr, output: device.root + "/signed.pem")
        device.expectSuccess(try await device.tedge("cert", "install", signed))
    }

    /// A measurement published locally reaches the simulated hub as the device's telemetry.
    private func expectMeasurementArrives(
        _ device: DeviceEnvironment, deviceID: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let (cloud, inbox) = try await device.cloudClient(subscribing: ["devices/\(deviceID)/messages/events/#"])
        defer { cloud.disconnect() }
        device.expectSuccess(try await device.tedge("mqtt", "pub", "tedge/measurements", #"{"temperature": 21}"#, "-q", "1"))
        let telemetry = await inbox.nextIgnoringServiceHealth(timeout: .seconds(15))
        #expect(
            telemetry?.text?.contains(#""temperature":21"#) == true, "telemetry: \(String(describing: telemetry))",
            sourceLocation: sourceLocation)
    }
}
