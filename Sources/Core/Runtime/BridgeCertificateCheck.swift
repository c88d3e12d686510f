import TedgeOpenSSL
import TedgeProviderAPI
import TedgeSystem

/// "Validating the bridge certificates.": the files exist, the cloud's root CA holds a certificate valid
/// now, the device certificate is valid now and belongs to the private key. A failure here leaves no
/// bridge behind; each error names the file and says what to do.
public struct BridgeCertificateCheck: Sendable {
    public let context: ConnectionContext
    /// `az.root.cert.path`: named in the errors, so the user knows what to change.
    public let rootCertificateKey: String
    public let recommendedRootCertificate: String?

    public init(context: ConnectionContext, rootCertificateKey: String, recommendedRootCertificate: String?) {
        self.context = context
        self.rootCertificateKey = rootCertificateKey
        self.recommendedRootCertificate = recommendedRootCertificate
    }

    /// Warnings to print (a device certificate that expires soon); throws what refuses the connection.
    /// `now` is in seconds since the epoch.
    public func run(now: Int) throws -> [String] {
        let paths = [context.rootCertificatePath, context.certificatePath, context.keyPath]
        if paths.contains(where: { !FileSystem.exists($0) }) {
            throw TedgeError(
                "Couldn't load certificate, provide valid certificate path in configuration. Use 'tedge config --set'")
        }
        if !FileSystem.isDirectory(context.rootCertificatePath) { try checkRootFile(now: now) }
        let certificate = try deviceCertificate()
        try checkMatchesKey(certificate)
        return try deviceCertificateWarnings(certificate, now: now)
    }

    private func checkRootFile(now: Int) throws {
        let file = "The root certificate file '\(context.rootCertificatePath)' (\(rootCertificateKey))"
        let roots: [Certificate]
        do { roots = try Certificate.all(pem: try FileSystem.readText(context.rootCertificatePath)) } catch {
            throw TedgeError("\(file) cannot be read as PEM certificates: \(error)")
        }
        guard !roots.isEmpty else { throw TedgeError("\(file) holds no PEM certificate.\n\(rootAdvice)") }
        if roots.contains(where: { $0.notBefore <= now && now < $0.notAfter }) { return }
        let reasons = roots.map { root in
            let name = root.subject.commonName.map { "'\($0)'" } ?? "a certificate"
            return now < root.notBefore
                ? "\(name) is not valid before \(RFC2822.format(epochSeconds: root.notBefore))"
                : "\(name) expired on \(RFC2822.format(epochSeconds: root.notAfter))"
        }
        throw TedgeError("\(file) holds no certificate valid now: \(reasons.joined(separator: "; ")).\n\(rootAdvice)")
    }

    private var rootAdvice: String {
        let alternative =
            recommendedRootCertificate.map {
                ", or a file holding \($0), the root the cloud's certificates chain to"
            } ?? ""
        return "    Use the system's CA directory \(ConfigKey.systemCertificates) (the default: "
            + "`tedge config set \(rootCertificateKey) \(ConfigKey.systemCertificates)`)\(alternative)."
    }

    private func deviceCertificate() throws -> Certificate {
        do { return try Certificate(pem: try FileSystem.readText(context.certificatePath)) } catch {
            throw TedgeError("The device certificate '\(context.certificatePath)' cannot be read: \(error)")
        }
    }

    private func checkMatchesKey(_ certificate: Certificate) throws {
        let key: PrivateKey
        do { key = try PrivateKey(pem: try FileSystem.readText(context.keyPath)) } catch {
            throw TedgeError("The private key '\(context.keyPath)' cannot be read: \(error)")
        }
        guard certificate.matches(key) else {
            throw TedgeError(
                """
                The device certificate '\(context.certificatePath)' does not match the private key '\(context.keyPath)'.
                    Point device.cert.path and device.key.path at a matching pair, or create a new pair with \
                `tedge cert remove` and `tedge cert create --device-id <id>`.
                """)
        }
    }

    private func deviceCertificateWarnings(_ certificate: Certificate, now: Int) throws -> [String] {
        let path = context.certificatePath
        let validFrom = RFC2822.format(epochSeconds: certificate.notBefore)
        let validUntil = RFC2822.format(epochSeconds: certificate.notAfter)
        if now < certificate.notBefore {
            throw TedgeError(
                "The device certificate '\(path)' is not valid before \(validFrom). "
                    + "Check the device's clock, or create a new certificate.")
        }
        if now >= certificate.notAfter {
            throw TedgeError(
                "The device certificate '\(path)' expired on \(validUntil). "
                    + "Create or renew the certificate and register it in the cloud again.")
        }
        guard certificate.notAfter - now <= CertificateSummary.renewalWindowSeconds else { return [] }
        return [
            "Warning: The device certificate '\(path)' expires on \(validUntil) "
                + "(in \(Duration.compact(certificate.notAfter - now))). Renew it and register it in the cloud again."
        ]
    }
}
