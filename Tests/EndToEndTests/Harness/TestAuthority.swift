import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeTestSupport

/// A CA made with the openssl CLI, as an operator would make one, that signs device CSRs.
struct TestAuthority {
    let certificatePath: String
    let keyPath: String

    init(directory: String, commonName: String = "tedge test device CA") async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        certificatePath = directory + "/ca.pem"
        keyPath = directory + "/ca-key.pem"
        let made = try await ChildProcess.run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", keyPath, "-out", certificatePath, "-days", "365", "-subj", "/CN=\(commonName)",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        guard made.status.succeeded else { throw TedgeError("openssl req failed: \(made.standardError)") }
    }

    /// Signs `csr` as an end-entity certificate; returns the certificate's path. The default
    /// validity is beyond the 30 days within which connect warns of expiry, so transcripts stay exact.
    func sign(csr: String, output: String, days: Int = 90) async throws -> String {
        let extensions = output + ".ext"
        try "basicConstraints=critical,CA:FALSE\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        let signed = try await ChildProcess.run([
            "openssl", "x509", "-req", "-in", csr, "-CA", certificatePath, "-CAkey", keyPath, "-CAcreateserial",
            "-days", String(days), "-extfile", extensions, "-out", output,
        ])
        guard signed.status.succeeded else { throw TedgeError("openssl x509 -req failed: \(signed.standardError)") }
        return output
    }
}
