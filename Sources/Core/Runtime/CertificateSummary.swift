import TedgeOpenSSL
import TedgeProviderAPI

/// What `tedge cert show` prints about a certificate.
public struct CertificateSummary: Sendable, Equatable {
    public let path: String
    public let subject: String
    public let issuer: String
    public let notBefore: Int
    public let notAfter: Int
    public let thumbprint: String
    /// Self-signed (registered by thumbprint) rather than signed by a CA.
    public let isSelfSigned: Bool

    public init(path: String, pem: String) throws(CertificateFormatError) {
        let certificate = try Certificate(pem: pem)
        self.path = path
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        notBefore = certificate.notBefore
        notAfter = certificate.notAfter
        thumbprint = certificate.sha1Thumbprint
        isSelfSigned = DeviceCertificateFiles.isSelfSigned(certificate)
    }

    /// The six lines of thin-edge 0.5, plus a `Status:` line when the certificate is expired,
    /// not yet valid, or expires within 30 days (`now` in seconds since the epoch), and last a
    /// `Type:` line: self-signed or CA-signed, which decides how it is registered and renewed.
    public func lines(now: Int) -> [String] {
        var lines = [
            "Device certificate: \(path)",
            "Subject: \(subject)",
            "Issuer: \(issuer)",
            "Valid from: \(RFC2822.format(epochSeconds: notBefore))",
            "Valid up to: \(RFC2822.format(epochSeconds: notAfter))",
        ]
        if let status = status(now: now) { lines.append("Status: \(status)") }
        lines.append("Thumbprint: \(thumbprint)")
        lines.append(isSelfSigned ? "Type: self-signed" : "Type: CA-signed (renewed through the CA: `tedge cert create-csr`)")
        return lines
    }

    public static let renewalWindowSeconds = 30 * 86_400

    func status(now: Int) -> String? {
        if now < notBefore { return "NOT VALID YET (will be in: \(Duration.compact(notBefore - now)))" }
        if now >= notAfter {
            return
                "EXPIRED (since: \(Duration.compact(now - notAfter))). Create or renew the certificate and register it in the cloud again."
        }
        if notAfter - now <= Self.renewalWindowSeconds {
            return
                "EXPIRES SOON (expires in: \(Duration.compact(notAfter - now))). Renew the certificate and register it in the cloud again."
        }
        return nil
    }
}

extension Duration {
    /// `1y 2d 3h 4m 5s` with zero parts left out (365-day years), `0s` for zero.
    static func compact(_ seconds: Int) -> String {
        let units = [("y", 365 * 86_400), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        var rest = seconds
        var parts: [String] = []
        for (suffix, size) in units where rest >= size {
            parts.append("\(rest / size)\(suffix)")
            rest %= size
        }
        return parts.isEmpty ? "0s" : parts.joined(separator: " ")
    }
}
