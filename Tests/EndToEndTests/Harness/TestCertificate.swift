import Foundation
import TedgeOpenSSL

/// A self-signed certificate with chosen dates, for the validity checks `tedge connect` makes
/// (the installed openssl 3.0 has no `-not_before` / `-not_after`).
struct TestCertificate {
    let certificatePath: String
    let keyPath: String

    /// `notBefore` / `notAfter` in seconds since the epoch.
    init(commonName: String, notBefore: Int, notAfter: Int, isCA: Bool, directory: String) throws {
        let key = try PrivateKey.generateP256()
        let name = DistinguishedName([.init("CN", commonName)])
        let profile = CertificateIssuer.Profile(notBefore: notBefore, notAfter: notAfter, serial: 7, isCA: isCA)
        let certificate = try CertificateIssuer(name: name, key: key).issue(subject: name, subjectKey: key, profile: profile)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        certificatePath = directory + "/\(commonName.replacingOccurrences(of: " ", with: "-")).pem"
        keyPath = directory + "/\(commonName.replacingOccurrences(of: " ", with: "-")).key"
        try certificate.pem.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        try key.pkcs8PEM().write(toFile: keyPath, atomically: true, encoding: .utf8)
    }

    static let day = 86_400
    static var now: Int { Int(Date().timeIntervalSince1970) }
    /// 2025-05-12T23:59:00Z, when Baltimore CyberTrust Root expired.
    static let baltimoreExpiry = 1_747_094_340
}
