import Foundation
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

@Suite struct DeviceCertificateTests {
    let directory = TemporaryDirectory()

    func files() -> DeviceCertificateFiles {
        DeviceCertificateFiles(config: TedgeConfig(schema: ConfigSchema(providerKeys: []), directory: directory.path))
    }

    @Test func thumbprintOfThinEdgeStaticCertificate() throws {
        let entry = try #require(
            try Fixture.cases("device_id_and_certificate").first {
                $0["name"] as? String == "cert thumbprint of static certificate"
            })
        let pem = try #require(entry["input"] as? String)
        let summary = try CertificateSummary(path: "/x", pem: pem)
        #expect(summary.thumbprint == entry["expected"] as? String)
        #expect(summary.thumbprint == "860218AD0A996004449521E2713C28F67B5EA580")
        #expect(summary.subject == "CN=my-tbr, O=Thin Edge, OU=Test Device")
        #expect(
            summary.lines(now: 1_615_300_000) == [
                "Device certificate: /x",
                "Subject: CN=my-tbr, O=Thin Edge, OU=Test Device",
                "Issuer: CN=my-tbr, O=Thin Edge, OU=Test Device",
                "Valid from: Tue, 09 Mar 2021 14:10:30 +0000",
                "Valid up to: Thu, 10 Mar 2022 14:10:30 +0000",
                "Thumbprint: 860218AD0A996004449521E2713C28F67B5EA580",
                "Type: self-signed",
            ])
    }

    @Test func rfc2822Vectors() throws {
        // 2021-03-31T16:39:57+01:00 = 15:39:57 UTC; +365 days and +10 days.
        let notBefore = 1_617_205_197
        #expect(RFC2822.format(epochSeconds: notBefore) == "Wed, 31 Mar 2021 15:39:57 +0000")
        #expect(RFC2822.format(epochSeconds: notBefore + 10 * 86_400) == "Sat, 10 Apr 2021 15:39:57 +0000")
    }

    @Test func statusLineOnlyWhenExpiringOrExpired() throws {
        let entry = try #require(
            try Fixture.cases("device_id_and_certificate").first {
                $0["name"] as? String == "cert thumbprint of static certificate"
            })
        let summary = try CertificateSummary(path: "/x", pem: try #require(entry["input"] as? String))
        #expect(summary.lines(now: summary.notAfter - 40 * 86_400).count == 7)
        let soon = summary.lines(now: summary.notAfter - 10 * 86_400)
        #expect(soon.count == 8)
        #expect(soon[5].hasPrefix("Status: EXPIRES SOON (expires in: 10d)"))
        #expect(summary.lines(now: summary.notAfter + 3_600)[5].hasPrefix("Status: EXPIRED (since: 1h)"))
    }

    @Test func createWritesTheDocumentedCertificate() throws {
        let files = files()
        let now = 1_700_000_000
        try files.create(deviceID: "my-device", now: now)
        let certificate = try Certificate(pem: String(contentsOfFile: files.certificatePath, encoding: .utf8))
        #expect(certificate.subject.description == "CN=my-device, O=Thin Edge, OU=Test Device")
        #expect(certificate.issuer == certificate.subject)
        #expect(certificate.version == 3)
        #expect(certificate.notBefore == now - 86_400)
        #expect(certificate.notAfter == now - 86_400 + 365 * 86_400)
        #expect(certificate.basicConstraints?.critical == true)
        #expect(certificate.basicConstraints?.isCA == true)
        #expect(certificate.hasSubjectKeyIdentifier)
        #expect(certificate.isSigned(by: certificate))

        let keyPEM = try String(contentsOfFile: files.keyPath, encoding: .utf8)
        #expect(keyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try PrivateKey(pem: keyPEM).publicKeyDER() == certificate.publicKeyDER())
        #expect(FileSystem.mode(files.certificatePath) == 0o444)
        #expect(FileSystem.mode(files.keyPath) == 0o400)
        #expect(try files.deviceID() == "my-device")
    }

    @Test func opensslAgreesOnFieldsAndThumbprint() throws {
        let files = files()
        try files.create(deviceID: "openssl-check")
        let result = try ChildProcess.run([
            "openssl", "x509", "-in", files.certificatePath, "-noout", "-subject", "-fingerprint", "-sha1", "-ext",
            "basicConstraints",
        ])
        #expect(result.status.succeeded)
        let summary = try files.summary()
        let fingerprint = summary.thumbprint.enumerated().map {
            $0.offset > 0 && $0.offset % 2 == 0 ? ":\($0.element)" : "\($0.element)"
        }.joined()
        #expect(result.standardOutput.contains("sha1 Fingerprint=\(fingerprint)"))
        #expect(result.standardOutput.contains("subject=CN = openssl-check, O = Thin Edge, OU = Test Device"))
        #expect(result.standardOutput.contains("critical"))
        #expect(result.standardOutput.contains("CA:TRUE"))
        let key = try ChildProcess.run(["openssl", "pkey", "-in", files.keyPath, "-noout", "-text"])
        #expect(key.standardOutput.contains("prime256v1") || key.standardOutput.contains("P-256"))
    }

    @Test func refusesToOverwriteAndLeavesFilesAlone() throws {
        let files = files()
        try files.create(deviceID: "first")
        let before = try Data(contentsOf: URL(fileURLWithPath: files.certificatePath))
        let error = #expect(throws: TedgeError.self) { try files.create(deviceID: "second") }
        #expect(error?.description.hasPrefix("A certificate already exists and would be overwritten.") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: files.certificatePath)) == before)

        // Only the key left behind: still refused, key untouched.
        try FileManager.default.removeItem(atPath: files.certificatePath)
        let keyError = #expect(throws: TedgeError.self) { try files.create(deviceID: "second") }
        #expect(keyError?.description.hasPrefix("A private key already exists and would be overwritten.") == true)
        #expect(!FileSystem.exists(files.certificatePath))
    }

    @Test func invalidDeviceIDWritesNothing() throws {
        let files = files()
        let error = #expect(throws: CausedError.self) { try files.create(deviceID: "bad/id") }
        #expect(error?.message == "DeviceID Error")
        #expect(!FileSystem.exists(files.certificatePath))
        #expect(!FileSystem.exists(files.keyPath))
    }

    @Test func keyIsNeverReadableByOthers() throws {
        // The key goes through a 0600 temporary file and is linked in place as 0400: at no point
        // does a file with the key's content have group or other bits.
        let files = files()
        try files.create(deviceID: "private")
        let mode = try #require(FileSystem.mode(files.keyPath))
        #expect(mode & 0o077 == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileSystem.directory(of: files.keyPath))
        #expect(leftovers.sorted() == ["tedge-certificate.pem", "tedge-private-key.pem"])
    }

    @Test func showReportsMissingAndMalformedFiles() throws {
        let files = files()
        let missing = #expect(throws: TedgeError.self) { try files.summary() }
        #expect(missing?.description.contains("Missing file: \"\(files.certificatePath)\"") == true)

        try FileManager.default.createDirectory(
            atPath: FileSystem.directory(of: files.certificatePath), withIntermediateDirectories: true)
        try "not a certificate".write(toFile: files.certificatePath, atomically: true, encoding: .utf8)
        #expect(throws: CertificateFormatError.pem) { try files.summary() }

        try "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".write(
            toFile: files.certificatePath, atomically: true, encoding: .utf8)
        let bad = #expect(throws: CertificateFormatError.self) { try files.summary() }
        #expect(bad?.description.hasPrefix("X509 file format error: ") == true)
    }

    @Test func removeDeletesBoth() throws {
        let files = files()
        try files.create(deviceID: "gone")
        #expect(try files.remove())
        #expect(!FileSystem.exists(files.certificatePath))
        #expect(!FileSystem.exists(files.keyPath))
        #expect(try files.remove() == false)
    }

    @Test func signingRequestUsesTheDeviceKeyAndSubject() throws {
        let files = files()
        try files.create(deviceID: "csr-device")
        let path = try files.createSigningRequest(deviceID: nil, outputPath: nil)
        let request = try CertificateSigningRequest(pem: String(contentsOfFile: path, encoding: .utf8))
        #expect(request.subject.description == "CN=csr-device, O=Thin Edge, OU=Test Device")
        #expect(request.isSignatureValid)
        let check = try ChildProcess.run(["openssl", "req", "-in", path, "-noout", "-verify"])
        #expect(check.status.succeeded)
    }

    @Test func signingRequestWithoutAnythingCreatesAKey() throws {
        let files = files()
        let error = #expect(throws: TedgeError.self) { try files.createSigningRequest(deviceID: nil, outputPath: nil) }
        #expect(error?.description.contains("--device-id") == true)
        _ = try files.createSigningRequest(deviceID: "new-device", outputPath: nil)
        #expect(FileSystem.mode(files.keyPath) == 0o400)
    }

    @Test func relativePathsAreRefused() throws {
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: []), directory: directory.path)
        try config.set(CoreConfigKeys.certPath, to: "relative/cert.pem")
        let error = #expect(throws: TedgeError.self) { try DeviceCertificateFiles(config: config).create(deviceID: "x") }
        #expect(
            error?.description
                == "Invalid device.cert.path path: Relative path: \"relative/cert.pem\" is not permitted. Provide an absolute path instead."
        )
    }
}
