import Foundation
import TedgeRuntime
import TedgeTestSupport
import Testing

/// `tedge cert upload c8y --user NAME` against the simulator's Cumulocity REST endpoint over HTTPS.
@Suite(.serialized) struct CertificateUploadTests {
    @Test func uploadAndItsAnswers() async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepare(cloud: "c8y")
        device.expectSuccess(try await device.tedge("config", "set", "c8y.http", "localhost:\(device.simulatorHTTPSPort)"))
        let password = ["C8YPASS": "tedge-sim"]

        let first = try await device.tedge(arguments: ["cert", "upload", "c8y", "--user", "admin"], extraEnvironment: password)
        device.expectSuccess(first)
        #expect(first.standardOutput == "Certificate uploaded successfully.\n")
        let again = try await device.tedge(arguments: ["cert", "upload", "c8y", "--user", "admin"], extraEnvironment: password)
        device.expectSuccess(again)
        #expect(again.standardOutput == "Certificate already exists in the cloud.\n")

        let wrongPassword = try await device.tedge(
            arguments: ["cert", "upload", "c8y", "--user", "admin"], extraEnvironment: ["C8YPASS": "nope"])
        #expect(wrongPassword.status == .exited(1))
        #expect(wrongPassword.standardError.contains("Error: failed to upload root certificate"))
        #expect(wrongPassword.standardError.contains("Request returned with code: 401"))
        #expect(!wrongPassword.standardError.contains("nope"), "the password must not appear in errors")

        // A tenant whose certificate is not signed by the configured root CA.
        let stranger = device.root + "/stranger"
        #expect(try await ChildProcess.run([Binaries.simulator, "init", "--dir", stranger]).status.succeeded)
        device.expectSuccess(try await device.tedge("config", "set", "c8y.root.cert.path", stranger + "/ca.pem"))
        let untrusted = try await device.tedge(
            arguments: ["cert", "upload", "c8y", "--user", "admin"], extraEnvironment: password)
        #expect(untrusted.status == .exited(1))
        #expect(untrusted.standardError.contains("HTTP Connection Problem"))

        let aws = try await device.tedge(arguments: ["cert", "upload", "aws", "--user", "admin"], extraEnvironment: password)
        #expect(aws.status == .exited(1))
        #expect(aws.standardError.contains("The AWS cloud takes no certificate upload from tedge."))
    }

    @Test func noCertificateIsReported() async throws {
        let device = try await DeviceEnvironment()
        let result = try await device.tedge(
            arguments: ["cert", "upload", "c8y", "--user", "admin"], extraEnvironment: ["C8YPASS": "x"])
        #expect(result.status == .exited(1))
        #expect(result.standardError.contains("Certificate read error at:"))
    }
}
