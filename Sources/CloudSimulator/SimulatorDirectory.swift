import Glibc
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeSystem

/// The simulator's state on disk: its CA and server certificate, registered devices, broker files.
///
///     ca.pem, ca-key.pem            the CA a device trusts (`az.root.cert.path`)
///     server.pem, server-key.pem    the TLS certificate for `localhost`, signed by the CA
///     devices/<THUMBPRINT>          one file per registered thumbprint: `<device id>\n<primary|secondary>\n`
///     cas/<THUMBPRINT>.pem          verified CAs: any certificate they signed authenticates its CN
///     endpoint                      `<tls port> <backend port>` of the running simulator
///     id_scope                      the Device Provisioning Service's id scope, made once
///     enrollments/<THUMBPRINT>.pem  DPS enrollments: a device certificate (individual) or a CA (group);
///     enrollments/<THUMBPRINT>.disabled   present when that enrollment is disabled
public struct SimulatorDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = FileSystem.absolute(path) }

    public var caPath: String { FileSystem.join(path, "ca.pem") }
    var caKeyPath: String { FileSystem.join(path, "ca-key.pem") }
    var serverCertificatePath: String { FileSystem.join(path, "server.pem") }
    var serverKeyPath: String { FileSystem.join(path, "server-key.pem") }
    var devicesPath: String { FileSystem.join(path, "devices") }
    var certificateAuthoritiesPath: String { FileSystem.join(path, "cas") }
    public var endpointPath: String { FileSystem.join(path, "endpoint") }
    var idScopePath: String { FileSystem.join(path, "id_scope") }
    var enrollmentsPath: String { FileSystem.join(path, "enrollments") }
    var brokerConfigPath: String { FileSystem.join(path, "broker.conf") }
    public var brokerLogPath: String { FileSystem.join(path, "broker.log") }

    /// Creates the CA and server certificate unless they exist. Returns the CA path.
    @discardableResult
    public func prepare(commonName: String = "tedge-cloud-sim CA") throws -> String {
        try FileSystem.createDirectories(devicesPath)
        if FileSystem.exists(caPath) && FileSystem.exists(serverCertificatePath) { return caPath }
        let now = Int(time(nil))
        let caKey = try PrivateKey.generateP256()
        let caName = DistinguishedName([.init("CN", commonName), .init("O", "tedge-swift test cloud")])
        let issuer = CertificateIssuer(name: caName, key: caKey)
        let ca = try issuer.issue(
            subject: caName, subjectKey: caKey,
            profile: .init(
                notBefore: now - 86_400, notAfter: now + 10 * 365 * 86_400, serial: SecureRandom.certificateSerial(), isCA: true))
        let serverKey = try PrivateKey.generateP256()
        let server = try issuer.issue(
            subject: DistinguishedName([.init("CN", "localhost")]), subjectKey: serverKey,
            profile: .init(
                notBefore: now - 86_400, notAfter: now + 5 * 365 * 86_400, serial: SecureRandom.certificateSerial(),
                isCA: false, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]),
            issuerCertificate: ca)
        try AtomicFile.write(try caKey.pkcs8PEM(), to: caKeyPath, mode: 0o400, placement: .replace)
        try AtomicFile.write(try serverKey.pkcs8PEM(), to: serverKeyPath, mode: 0o400, placement: .replace)
        try AtomicFile.write(server.pem, to: serverCertificatePath, mode: 0o644, placement: .replace)
        try AtomicFile.write(ca.pem, to: caPath, mode: 0o644, placement: .replace)
        return caPath
    }

    /// Which of a device's two thumbprints (IoT Hub keeps a primary and a secondary, for rollover).
    public enum ThumbprintSlot: String, Sendable {
        case primary
        case secondary
    }

    /// Registers a device by its certificate's SHA-1 thumbprint, as the Azure portal does: the
    /// thumbprint takes the slot, replacing what the device had there; a device connects with either.
    public func register(deviceID: String, thumbprint: String, slot: ThumbprintSlot = .primary) throws {
        try FileSystem.createDirectories(devicesPath)
        let normalized = thumbprint.uppercased().filter { $0 != ":" }
        guard normalized.count == 40, normalized.allSatisfy({ $0.isHexDigit }) else {
            throw TedgeError("'\(thumbprint)' is not a SHA-1 thumbprint (40 hexadecimal digits)")
        }
        for name in FileSystem.regularFileNames(in: devicesPath) where name != normalized {
            if let entry = registration(thumbprint: name), entry.deviceID == deviceID, entry.slot == slot {
                try FileSystem.remove(FileSystem.join(devicesPath, name))
            }
        }
        try AtomicFile.write(
            deviceID + "\n" + slot.rawValue + "\n", to: FileSystem.join(devicesPath, normalized),
            mode: 0o644, placement: .replace)
    }

    /// The registered device id for a thumbprint, read fresh so registrations apply at once.
    public func registeredDevice(thumbprint: String) -> String? { registration(thumbprint: thumbprint)?.deviceID }

    func registration(thumbprint: String) -> (deviceID: String, slot: ThumbprintSlot)? {
        guard let text = try? FileSystem.readText(FileSystem.join(devicesPath, thumbprint)) else { return nil }
        let lines = text.split(separator: "\n").map(String.init)
        guard let id = lines.first else { return nil }
        return (id, lines.count > 1 ? ThumbprintSlot(rawValue: lines[1]) ?? .primary : .primary)
    }

    /// Registers a verified CA (IoT Hub's "X.509 CA signed" authentication): every device
    /// certificate it signed is accepted, the device id being the certificate's CN.
    @discardableResult
    public func registerCertificateAuthority(pem: String) throws -> Certificate {
        let ca = try Certificate(pem: pem)
        guard ca.basicConstraints?.isCA == true else {
            throw TedgeError("The certificate \(ca.subject) is not a CA certificate (no basicConstraints CA:TRUE)")
        }
        try FileSystem.createDirectories(certificateAuthoritiesPath)
        try AtomicFile.write(
            ca.pem, to: FileSystem.join(certificateAuthoritiesPath, ca.sha1Thumbprint + ".pem"),
            mode: 0o644, placement: .replace)
        return ca
    }

    /// The registered CA that signed `certificate`, if any (read fresh, as registrations are).
    func signingAuthority(of certificate: Certificate) -> Certificate? {
        for name in FileSystem.regularFileNames(in: certificateAuthoritiesPath) {
            guard let text = try? FileSystem.readText(FileSystem.join(certificateAuthoritiesPath, name)),
                let ca = try? Certificate(pem: text)
            else { continue }
            if certificate.issuer == ca.subject, certificate.isSigned(by: ca) { return ca }
        }
        return nil
    }

    // MARK: Device Provisioning Service

    /// The DPS id scope (`0ne` and 8 hexadecimal digits, as Azure's look), made on first use.
    public func idScope() throws -> String {
        if let stored = try? FileSystem.readText(idScopePath), !stored.isEmpty {
            return stored.filter { !$0.isWhitespace }
        }
        let digits = String(UInt32(truncatingIfNeeded: SecureRandom.certificateSerial()), radix: 16, uppercase: true)
        let scope = "0ne" + String(repeating: "0", count: 8 - digits.count) + digits
        do {
            try AtomicFile.write(scope + "\n", to: idScopePath, mode: 0o644, placement: .createNew)
        } catch {
            // Another process made it first: its scope wins.
            if let stored = try? FileSystem.readText(idScopePath), !stored.isEmpty {
                return stored.filter { !$0.isWhitespace }
            }
            throw error
        }
        return scope
    }

    /// An individual enrollment (a device certificate) or an enrollment group (a CA: every device
    /// certificate it signed). The hub DPS assigns is this simulator's, so the hub is told to accept
    /// the device too: the certificate's thumbprint, or the verified CA.
    @discardableResult
    public func enroll(pem: String, enabled: Bool = true) throws -> (certificate: Certificate, isGroup: Bool) {
        let certificate = try Certificate(pem: pem)
        let isGroup = certificate.basicConstraints?.isCA == true
        if isGroup {
            try registerCertificateAuthority(pem: pem)
        } else {
            guard let id = certificate.subject.commonName else {
                throw TedgeError("The certificate \(certificate.subject) has no CN")
            }
            try register(deviceID: id, thumbprint: certificate.sha1Thumbprint)
        }
        try FileSystem.createDirectories(enrollmentsPath)
        let base = FileSystem.join(enrollmentsPath, certificate.sha1Thumbprint)
        try AtomicFile.write(certificate.pem, to: base + ".pem", mode: 0o644, placement: .replace)
        if enabled {
            _ = try FileSystem.remove(base + ".disabled")
        } else {
            try AtomicFile.write("", to: base + ".disabled", mode: 0o644, placement: .replace)
        }
        return (certificate, isGroup)
    }

    /// How DPS sees a device certificate: enrolled (and whether enabled), or not at all.
    enum EnrollmentStatus: Equatable {
        case enabled
        case disabled
        case notEnrolled
    }

    func enrollmentStatus(of certificate: Certificate) -> EnrollmentStatus {
        func status(_ thumbprint: String) -> EnrollmentStatus {
            FileSystem.exists(FileSystem.join(enrollmentsPath, thumbprint + ".disabled")) ? .disabled : .enabled
        }
        let own = certificate.sha1Thumbprint
        if FileSystem.exists(FileSystem.join(enrollmentsPath, own + ".pem")) { return status(own) }
        for name in FileSystem.regularFileNames(in: enrollmentsPath) where name.hasSuffix(".pem") {
            guard let text = try? FileSystem.readText(FileSystem.join(enrollmentsPath, name)),
                let ca = try? Certificate(pem: text), ca.basicConstraints?.isCA == true
            else { continue }
            if certificate.issuer == ca.subject, certificate.isSigned(by: ca) { return status(ca.sha1Thumbprint) }
        }
        return .notEnrolled
    }

    func serverIdentity() throws -> (Certificate, PrivateKey) {
        (
            try Certificate(pem: FileSystem.readText(serverCertificatePath)),
            try PrivateKey(pem: FileSystem.readText(serverKeyPath))
        )
    }

    public func endpoint() -> (tlsPort: Int, backendPort: Int)? {
        guard let text = try? FileSystem.readText(endpointPath) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }
}
