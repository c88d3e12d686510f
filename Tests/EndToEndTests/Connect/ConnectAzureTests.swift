import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// The seed flow with real processes: a local mosquitto and the simulator's, mutual TLS between
/// them, the init system pointed at scripts/local-init through system.toml.
@Suite(.serialized) struct ConnectAzureTests {
    @Test func seedFlowEndToEnd() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure()
        let (cloud, cloudInbox) = try await device.cloudClient(subscribing: ["devices/my-device/messages/events/#"])
        defer { cloud.disconnect() }

        let connect = try await device.tedge("connect", "az")
        device.expectSuccess(connect)
        // The documented transcript, line for line: the mapper is started (and up) before the check.
        let transcript = connect.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(transcript == Self.documentedTranscript.flatMap { [$0, ""] } + [""])
        let bridge = try String(contentsOfFile: device.configDirectory + "/mosquitto-conf/az-bridge.conf", encoding: .utf8)
        #expect(bridge.contains("remote_username localhost/my-device/?api-version=2018-06-30"))
        #expect(bridge.contains("bridge_cafile \(device.caPath)"))
        #expect(FileSystem.mode(device.keyPath) == 0o400)

        // Device to cloud.
        device.expectSuccess(try await device.tedge("mqtt", "pub", "az/messages/events/", #"{"temperature": 20}"#))
        let telemetry = await cloudInbox.nextIgnoringServiceHealth(timeout: .seconds(15))
        #expect(telemetry?.topic == "devices/my-device/messages/events/")
        #expect(telemetry?.text == #"{"temperature": 20}"#)

        // Cloud to device, and a direct method round trip.
        try await device.expectAzureDownlinkAndMethods(cloud: cloud)

        // --test, a second connect, disconnect.
        let test = try await device.tedge("connect", "az", "--test")
        device.expectSuccess(test)
        #expect(test.standardOutput.contains("connection check is successful."))
        let again = try await device.tedge("connect", "az")
        #expect(again.status == .exited(1))
        #expect(
            again.standardError.contains(
                "Connection is already established. To remove existing connection use 'tedge disconnect az' and try again."))

        let disconnect = try await device.tedge("disconnect", "az")
        device.expectSuccess(disconnect)
        #expect(disconnect.standardOutput.contains("Azure Bridge successfully disconnected!"))
        #expect(!FileManager.default.fileExists(atPath: device.configDirectory + "/mosquitto-conf/az-bridge.conf"))
        #expect(try await device.tedge("connect", "az", "--test").status == .exited(1))

        // The flow has stopped: a message the local broker accepts now does not reach the cloud
        // (disconnect returns once the restarted broker listens).
        device.expectSuccess(try await device.tedge("mqtt", "pub", "az/messages/events/", "after disconnect", "-q", "1"))
        #expect(await cloudInbox.nextIgnoringServiceHealth(timeout: .seconds(3)) == nil)
        #expect(try await device.tedge("disconnect", "az").standardOutput.contains("Bridge doesn't exist. Operation finished!"))
    }

    /// The seed docs' `tedge connect az`, with this test environment's init system named in the first line.
    static let documentedTranscript = ConnectTranscript.azure(initSystem: "local-init")

    @Test func aMapperThatNeverReportsUpIsAWarning() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure()
        // A mapper service that runs but never publishes its health message.
        try "exec sleep 120\n".write(toFile: device.initState + "/tedge-mapper-az.command", atomically: true, encoding: .utf8)

        let connect = try await device.tedge("connect", "az")
        device.expectSuccess(connect)
        #expect(
            connect.standardOutput.contains(
                "Warning: tedge-mapper-az service was started and enabled, but did not report \"up\" on te/device/main/service/tedge-mapper-az/status/health"
            ))
        #expect(!connect.standardOutput.contains("tedge-mapper-az service successfully started and enabled!"))
        #expect(connect.standardOutput.contains("Received expected response message, connection check is successful."))
    }

    @Test func unregisteredThumbprintFailsTheCheckWithAWarning() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        device.expectSuccess(try await device.tedge("cert", "create", "--device-id", "my-device"))
        // Register another certificate with the same id: the thumbprint does not match.
        let other = try await DeviceEnvironment()
        device.expectSuccess(try await other.tedge("cert", "create", "--device-id", "my-device"))
        try await device.register(certificate: other.certificatePath)
        device.expectSuccess(try await device.tedge("config", "set", "az.url", "localhost:\(device.simulatorTLSPort)"))
        device.expectSuccess(try await device.tedge("config", "set", "az.root.cert.path", device.caPath))

        let connect = try await device.tedge("connect", "az")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Warning: Bridge has been configured, but Azure connection check failed."))
        #expect(connect.standardOutput.contains("registered in the hub with the thumbprint"))
        let test = try await device.tedge("connect", "az", "--test")
        #expect(test.status == .exited(1))
        #expect(test.standardError.hasPrefix("Error: failed to test connection to Azure cloud."))
        let log = try String(contentsOfFile: device.simulatorLog, encoding: .utf8)
        #expect(log.contains("is not registered"))
    }

    @Test func serverCertificateFromAnotherCAFailsTheCheck() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure()
        // A CA that did not sign the simulator's server certificate.
        let stranger = device.root + "/stranger"
        let made = try await ChildProcess.run([Binaries.simulator, "init", "--dir", stranger])
        #expect(made.status.succeeded)
        device.expectSuccess(try await device.tedge("config", "set", "az.root.cert.path", stranger + "/ca.pem"))

        let connect = try await device.tedge("connect", "az")
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Warning: Bridge has been configured, but Azure connection check failed."))
        // The bridge itself refused the server certificate (not merely a failed check).
        let brokerLog = try String(contentsOfFile: device.brokerLog, encoding: .utf8)
        #expect(brokerLog.contains("certificate verify failed"), "broker log: \(brokerLog)")
        let log = try String(contentsOfFile: device.simulatorLog, encoding: .utf8)
        #expect(!log.contains("auth: accepted"))
    }

    @Test func aCloudOfferingOnlyTLS11IsRefused() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator(extraArguments: ["--max-tls", "1.1"])
        try await device.prepareAzure()
        let (cloud, cloudInbox) = try await device.cloudClient(subscribing: ["devices/my-device/messages/events/#"])
        defer { cloud.disconnect() }

        // Control: a client that accepts TLS 1.1 completes a handshake, so the simulator really offers it.
        let control = try await ChildProcess.run([
            "openssl", "s_client", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-connect", "127.0.0.1:\(device.simulatorTLSPort)",
            "-cert", device.certificatePath, "-key", device.keyPath, "-CAfile", device.caPath,
        ])
        #expect(
            control.standardOutput.contains("Protocol  : TLSv1.1"),
            "s_client: \(control.standardOutput)\n\(control.standardError)")
        let failuresBefore = try simulatorHandshakeFailures(device)

        // Debian's OpenSSL policy (MinProtocol TLSv1.2) would refuse TLS 1.1 on its own; with a permissive
        // policy for the broker, the bridge's own `bridge_tls_version tlsv1.2` is the only thing that refuses.
        let permissive = device.root + "/openssl-permissive.cnf"
        try """
        openssl_conf = default_conf
        [default_conf]
        ssl_conf = ssl_sect
        [ssl_sect]
        system_default = system_default_sect
        [system_default_sect]
        MinProtocol = TLSv1
        CipherString = DEFAULT@SECLEVEL=0

        """.write(toFile: permissive, atomically: true, encoding: .utf8)
        let connect = try await device.tedge(arguments: ["connect", "az"], extraEnvironment: ["OPENSSL_CONF": permissive])
        device.expectSuccess(connect)
        #expect(connect.standardOutput.contains("Warning: Bridge has been configured, but Azure connection check failed."))
        #expect(try String(contentsOfFile: device.bridgeFile, encoding: .utf8).contains("\nbridge_tls_version tlsv1.2\n"))
        // The bridge's handshakes were refused, and nothing crosses.
        #expect(try simulatorHandshakeFailures(device) > failuresBefore)
        device.expectSuccess(try await device.tedge("mqtt", "pub", "az/messages/events/", "over TLS 1.1?", "-q", "1"))
        #expect(await cloudInbox.nextIgnoringServiceHealth(timeout: .seconds(3)) == nil)
        let log = try String(contentsOfFile: device.simulatorLog, encoding: .utf8)
        #expect(!log.contains("auth: accepted"))
    }

    private func simulatorHandshakeFailures(_ device: DeviceEnvironment) throws -> Int {
        try String(contentsOfFile: device.simulatorLog, encoding: .utf8).components(separatedBy: "tls: handshake failed").count
            - 1
    }

    // MARK: certificates checked before anything is written

    @Test func anExpiredRootCertificateIsRefused() async throws {
        let device = try await DeviceEnvironment()
        device.expectSuccess(try await device.tedge("cert", "create", "--device-id", "my-device"))
        device.expectSuccess(try await device.tedge("config", "set", "az.url", "localhost:1"))
        let baltimore = try TestCertificate(
            commonName: "Baltimore CyberTrust Root", notBefore: 958_000_000,
            notAfter: TestCertificate.baltimoreExpiry, isCA: true, directory: device.root + "/roots")
        device.expectSuccess(try await device.tedge("config", "set", "az.root.cert.path", baltimore.certificatePath))

        let connect = try await device.tedge("connect", "az")
        #expect(connect.status == .exited(1))
        #expect(connect.standardError.hasPrefix("Error: failed to connect Azure cloud.\n\nCaused by:\n"))
        #expect(
            connect.standardError.contains(
                "The root certificate file '\(baltimore.certificatePath)' (az.root.cert.path) holds no certificate valid now"))
        #expect(connect.standardError.contains("'Baltimore CyberTrust Root' expired on Mon, 12 May 2025 23:59:00 +0000"))
        #expect(connect.standardError.contains("/etc/ssl/certs"))
        #expect(connect.standardError.contains("DigiCert Global Root G2"))
        #expect(!FileManager.default.fileExists(atPath: device.bridgeFile))
    }

    @Test func anExpiredDeviceCertificateIsRefused() async throws {
        let device = try await DeviceEnvironment()
        let expired = try TestCertificate(
            commonName: "my-device", notBefore: TestCertificate.now - 400 * TestCertificate.day,
            notAfter: TestCertificate.now - TestCertificate.day, isCA: true, directory: device.root + "/old")
        try await useDeviceCertificate(expired, in: device)

        let connect = try await device.tedge("connect", "az")
        #expect(connect.status == .exited(1))
        #expect(connect.standardError.hasPrefix("Error: failed to connect Azure cloud.\n\nCaused by:\n"))
        #expect(connect.standardError.contains("The device certificate '\(expired.certificatePath)' expired on "))
        #expect(!FileManager.default.fileExists(atPath: device.bridgeFile))
    }

    @Test func aDeviceCertificateExpiringSoonIsAWarning() async throws {
        let device = try await DeviceEnvironment()
        let ending = try TestCertificate(
            commonName: "my-device", notBefore: TestCertificate.now - 300 * TestCertificate.day,
            notAfter: TestCertificate.now + 10 * TestCertificate.day, isCA: true, directory: device.root + "/old")
        try await useDeviceCertificate(ending, in: device)
        // No broker listens on the URL: the connect goes on past the certificates, and the check fails later.
        let connect = try await device.tedge("connect", "az")
        #expect(connect.standardOutput.contains("Warning: The device certificate '\(ending.certificatePath)' expires on "))
        #expect(connect.standardOutput.contains("Saving configuration for requested bridge."))
    }

    @Test func aCertificateThatDoesNotMatchTheKeyIsRefused() async throws {
        let device = try await DeviceEnvironment()
        device.expectSuccess(try await device.tedge("cert", "create", "--device-id", "my-device"))
        let other = try await DeviceEnvironment()
        device.expectSuccess(try await other.tedge("cert", "create", "--device-id", "my-device"))
        device.expectSuccess(try await device.tedge("config", "set", "device.key.path", other.keyPath))
        device.expectSuccess(try await device.tedge("config", "set", "az.url", "localhost:1"))

        let connect = try await device.tedge("connect", "az")
        #expect(connect.status == .exited(1))
        #expect(connect.standardError.hasPrefix("Error: failed to connect Azure cloud.\n\nCaused by:\n"))
        #expect(
            connect.standardError.contains(
                "The device certificate '\(device.certificatePath)' does not match the private key '\(other.keyPath)'."))
        #expect(!FileManager.default.fileExists(atPath: device.bridgeFile))
    }

    private func useDeviceCertificate(_ certificate: TestCertificate, in device: DeviceEnvironment) async throws {
        device.expectSuccess(try await device.tedge("config", "set", "device.cert.path", certificate.certificatePath))
        device.expectSuccess(try await device.tedge("config", "set", "device.key.path", certificate.keyPath))
        device.expectSuccess(try await device.tedge("config", "set", "az.url", "localhost:1"))
        device.expectSuccess(try await device.tedge("config", "set", "az.root.cert.path", "/etc/ssl/certs"))
    }

    @Test func theKeyStaysPrivateThroughConnect() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure()
        #expect(FileSystem.mode(device.keyPath) == 0o400)
        device.expectSuccess(try await device.tedge("connect", "az"))
        #expect(FileSystem.mode(device.keyPath) == 0o400)
        for file in try FileManager.default.contentsOfDirectory(atPath: device.configDirectory + "/mosquitto-conf") {
            let text = try String(contentsOfFile: device.configDirectory + "/mosquitto-conf/" + file, encoding: .utf8)
            #expect(!text.contains("PRIVATE KEY"), "\(file) holds key material")
        }
        let key = try String(contentsOfFile: device.keyPath, encoding: .utf8)
        let keyBody = key.split(separator: "\n")[1]
        for log in [device.simulatorLog, device.brokerDirectory + "/mosquitto.log", device.initState + "/tedge-mapper-az.log"] {
            let text = try String(contentsOfFile: log, encoding: .utf8)  // a missing log must not pass
            #expect(!text.contains(keyBody), "\(log) holds key material")
        }
    }

    @Test func missingConfigurationIsReportedBeforeAnythingIsWritten() async throws {
        let device = try await DeviceEnvironment()
        let noURL = try await device.tedge("connect", "az")
        #expect(noURL.status == .exited(1))
        #expect(noURL.standardError.contains("A value for `az.url` is missing."))
        device.expectSuccess(try await device.tedge("config", "set", "az.url", "localhost:1"))
        let noCertificate = try await device.tedge("connect", "az")
        #expect(noCertificate.status == .exited(1))
        #expect(noCertificate.standardError.contains("Config value device.id, cannot be configured"))
        device.expectSuccess(try await device.tedge("cert", "create", "--device-id", "d1"))
        device.expectSuccess(try await device.tedge("config", "set", "az.root.cert.path", "/nonexistent/ca.pem"))
        let noRoot = try await device.tedge("connect", "az")
        #expect(noRoot.status == .exited(1))
        #expect(noRoot.standardError.contains("Couldn't load certificate, provide valid certificate path in configuration."))
        #expect(!FileManager.default.fileExists(atPath: device.bridgeFile))
    }

    @Test func brokerDownMakesPubFailWithAHint() async throws {
        let device = try await DeviceEnvironment()
        let pub = try await device.tedge("mqtt", "pub", "a/b", "x")
        #expect(pub.status == .exited(1))
        #expect(pub.standardError.contains("MQTT connection error: I/O: Connection refused (os error 111)"))
        #expect(pub.standardError.contains("Hint: Is MQTT server running?"))
    }

    @Test func subResubscribesAfterTheBrokerRestarts() async throws {
        let device = try await DeviceEnvironment()
        device.expectSuccess(
            try await ChildProcess.run([Binaries.script("local-init"), device.initState, "restart", "mosquitto"]))
        try writeListener(device)
        device.expectSuccess(
            try await ChildProcess.run([Binaries.script("local-init"), device.initState, "restart", "mosquitto"]))
        #expect(await PortProbe.waitUntilListening(port: device.mqttPort, timeout: .seconds(5)))
        let output = device.root + "/sub.out"
        let sub = try ChildProcess.spawn(
            [Binaries.tedge, "--config-dir", device.configDirectory, "mqtt", "sub", "test/#"],
            standardOutput: output, standardError: output)
        defer { sub.stop() }
        try await waitFor(output, contains: "INFO: Connected")
        device.expectSuccess(try await device.tedge("mqtt", "pub", "test/one", "first"))
        try await waitFor(output, contains: "[test/one] first")
        device.expectSuccess(
            try await ChildProcess.run([Binaries.script("local-init"), device.initState, "restart", "mosquitto"]))
        #expect(await PortProbe.waitUntilListening(port: device.mqttPort, timeout: .seconds(5)))
        try await waitFor(output, contains: "INFO: Disconnected")
        // "INFO: Connected" comes after the SUBACK: once it is there again, the subscription is back.
        try await waitFor(output, contains: "INFO: Connected", count: 2)
        device.expectSuccess(try await device.tedge("mqtt", "pub", "test/two", "second"))
        try await waitFor(output, contains: "[test/two] second")
    }

    private func writeListener(_ device: DeviceEnvironment) throws {
        let config = MosquittoLocalConfig(port: device.mqttPort).render()
        try config.write(
            toFile: device.configDirectory + "/mosquitto-conf/tedge-mosquitto.conf", atomically: true, encoding: .utf8)
    }

    private func waitFor(_ path: String, contains text: String, count: Int = 1) async throws {
        for _ in 0..<200 {
            // The file may not exist yet while polling; the final record below reads it for real.
            if let content = try? String(contentsOfFile: path, encoding: .utf8),
                content.components(separatedBy: text).count - 1 >= count
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(path) never contained \(text): \((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")")
    }
}
