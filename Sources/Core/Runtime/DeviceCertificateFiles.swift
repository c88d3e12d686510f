import Glibc
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeSystem

/// The device's key and certificate files (`device.key.path`, `device.cert.path`) and what can be done with them.
public struct DeviceCertificateFiles: Sendable {
    public private(set) var certificatePath: String
    public private(set) var keyPath: String
    public let csrPath: String
    /// Parent directories inside this one are created on demand; elsewhere they must exist.
    let configDirectory: String

    public init(config: TedgeConfig) {
        certificatePath = config.value(of: CoreConfigKeys.certPath) ?? ""
        keyPath = config.value(of: CoreConfigKeys.keyPath) ?? ""
        csrPath = config.value(of: CoreConfigKeys.csrPath) ?? ""
        configDirectory = config.directory
    }

    /// The files `cloud`'s bridge authenticates with (`CloudProvider.deviceCertificatePaths`).
    public init(config: TedgeConfig, cloud: any CloudProvider) {
        self.init(config: config)
        (certificatePath, keyPath) = cloud.deviceCertificatePaths(config)
    }

    public static func subject(deviceID: String) -> DistinguishedName {
        DistinguishedName([.init("CN", deviceID), .init("O", "Thin Edge"), .init("OU", "Test Device")])
    }

    public static let validityDays = 365

    // MARK: create

    /// Creates a P-256 key and a self-signed certificate valid from one day ago for 365 days.
    /// Refuses to overwrite either file; on any failure nothing new is left on disk.
    public func create(deviceID: String, now: Int = Int(time(nil))) throws {
        try checkPath(certificatePath, key: "device.cert.path")
        try checkPath(keyPath, key: "device.key.path")
        do { try DeviceID.validate(deviceID) } catch { throw CausedError("DeviceID Error", underlying: error) }
        try refuseOverwrite()

        let key = try PrivateKey.generateP256()
        let notBefore = now - 86_400
        let profile = CertificateIssuer.Profile(
            notBefore: notBefore, notAfter: notBefore + Self.validityDays * 86_400,
            serial: SecureRandom.certificateSerial(), isCA: true)
        let subject = Self.subject(deviceID: deviceID)
        let certificate = try CertificateIssuer(name: subject, key: key).issue(
            subject: subject, subjectKey: key, profile: profile)

        try createParentDirectory(of: certificatePath)
        try createParentDirectory(of: keyPath)
        try AtomicFile.write(certificate.pem, to: certificatePath, mode: 0o444, placement: .createNew)
        do {
            try AtomicFile.write(try key.pkcs8PEM(), to: keyPath, mode: 0o400, placement: .createNew)
        } catch {
            unlink(certificatePath)
            throw error
        }
        Self.giveToFolderOwner(certificatePath)
        Self.giveToFolderOwner(keyPath)
    }

    /// Run as root (`sudo tedge cert create`), new files take the owner of their folder: the
    /// package makes device-certs mosquitto's, so the bridge (running as mosquitto) can read the
    /// 0400 key. Elsewhere (tests, --config-dir of one's own) the owner is the caller already.
    private static func giveToFolderOwner(_ path: String) {
        guard geteuid() == 0 else { return }
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        var info = stat()
        guard stat(folder.isEmpty ? "/" : folder, &info) == 0, info.st_uid != 0 else { return }
        _ = chown(path, info.st_uid, info.st_gid)
    }

    private func refuseOverwrite() throws(TedgeError) {
        if FileSystem.exists(certificatePath) {
            throw TedgeError(
                """
                A certificate already exists and would be overwritten.
                        Existing file: "\(certificatePath)"
                        Run `tedge cert remove` first to generate a new certificate.
                """)
        }
        if FileSystem.exists(keyPath) {
            throw TedgeError(
                """
                A private key already exists and would be overwritten.
                        Existing file: "\(keyPath)"
                        Run `tedge cert remove` first to generate a new certificate and private key.
                """)
        }
    }

    private func checkPath(_ path: String, key: String) throws(TedgeError) {
        guard path.hasPrefix("/") else {
            throw TedgeError(
                "Invalid \(key) path: Relative path: \"\(path)\" is not permitted. Provide an absolute path instead.")
        }
        let parent = FileSystem.directory(of: path)
        if !FileSystem.isDirectory(parent) && !isInsideConfigDirectory(parent) {
            throw TedgeError("Invalid \(key) path: Directory: \"\(parent)\" not found")
        }
    }

    private func isInsideConfigDirectory(_ path: String) -> Bool {
        let root = configDirectory.hasSuffix("/") ? configDirectory : configDirectory + "/"
        return path == configDirectory || path.hasPrefix(root)
    }

    private func createParentDirectory(of path: String) throws(TedgeError) {
        try FileSystem.createDirectories(FileSystem.directory(of: path))
    }

    // MARK: read

    public func readCertificatePEM() throws(TedgeError) -> String {
        guard FileSystem.exists(certificatePath) else {
            throw TedgeError(
                """
                No certificate has been attached to that device.
                        Missing file: "\(certificatePath)"
                        Run `tedge cert create` to generate a new certificate.
                """)
        }
        return try FileSystem.readText(certificatePath)
    }

    public func summary() throws -> CertificateSummary {
        try CertificateSummary(path: certificatePath, pem: readCertificatePEM())
    }

    /// The first CN of the certificate's subject ("" when it has none).
    public func deviceID() throws -> String {
        try Certificate(pem: readCertificatePEM()).subject.commonName ?? ""
    }

    // MARK: renew, install, expiry

    /// The current certificate and whether the device key is its key.
    public func certificateMatchingKey() throws -> (certificate: Certificate, key: PrivateKey) {
        let certificate = try Certificate(pem: readCertificatePEM())
        let key: PrivateKey
        do { key = try PrivateKey(pem: try FileSystem.readText(keyPath)) } catch {
            throw TedgeError("Cannot read the device key at \(keyPath): \(error)")
        }
        guard certificate.matches(key) else {
            throw TedgeError(
                """
                The device certificate does not match the private key.
                        Certificate: "\(certificatePath)"
                        Private key: "\(keyPath)"
                        Install the certificate issued for this key, or create both anew (`tedge cert remove`, `tedge cert create`).
                """)
        }
        return (certificate, key)
    }

    /// Self-signed: the issuer is the subject and the certificate's own key verifies its signature.
    public static func isSelfSigned(_ certificate: Certificate) -> Bool {
        certificate.issuer == certificate.subject && certificate.isSigned(by: certificate)
    }

    /// A new self-signed certificate for the same key and subject, valid from one day ago for 365
    /// days, replacing the current one atomically. A CA-signed certificate is renewed through its CA.
    @discardableResult
    public func renew(now: Int = Int(time(nil))) throws -> CertificateSummary {
        let (current, key) = try certificateMatchingKey()
        guard Self.isSelfSigned(current) else {
            throw TedgeError(
                """
                The device certificate is signed by a CA (issuer: \(current.issuer)), which tedge cannot sign for.
                Renew a CA-signed certificate through your CA: `tedge cert create-csr`, then `tedge cert install <certificate from the CA>`.
                """)
        }
        let notBefore = now - 86_400
        let profile = CertificateIssuer.Profile(
            notBefore: notBefore, notAfter: notBefore + Self.validityDays * 86_400 + 86_400,
            serial: SecureRandom.certificateSerial(), isCA: true)
        let renewed = try CertificateIssuer(name: current.subject, key: key).issue(
            subject: current.subject, subjectKey: key, profile: profile)
        try AtomicFile.write(renewed.pem, to: certificatePath, mode: 0o444, placement: .replace)
        return try CertificateSummary(path: certificatePath, pem: renewed.pem)
    }

    /// Replaces the device certificate with `pem` (a CA's answer to `tedge cert create-csr`) once it is
    /// checked: one certificate, for the device key, valid now. Nothing is written otherwise.
    @discardableResult
    public func install(pem: String, now: Int = Int(time(nil))) throws -> CertificateSummary {
        let certificate: Certificate
        do { certificate = try Certificate(pem: pem) } catch {
            throw TedgeError("The file holds no PEM certificate: \(error)")
        }
        let key: PrivateKey
        do { key = try PrivateKey(pem: try FileSystem.readText(keyPath)) } catch {
            throw TedgeError(
                """
                No device key to install a certificate for.
                        Missing file: "\(keyPath)"
                        Run `tedge cert create-csr --device-id <id>` to create the key and a CSR for your CA.
                """)
        }
        guard certificate.matches(key) else {
            throw TedgeError("The certificate does not match the private key at \(keyPath): it was issued for another key.")
        }
        guard now >= certificate.notBefore, now < certificate.notAfter else {
            throw TedgeError(
                "The certificate is not valid now (valid from \(RFC2822.format(epochSeconds: certificate.notBefore)) to \(RFC2822.format(epochSeconds: certificate.notAfter)))."
            )
        }
        try createParentDirectory(of: certificatePath)
        try AtomicFile.write(certificate.pem, to: certificatePath, mode: 0o444, placement: .replace)
        return try CertificateSummary(path: certificatePath, pem: certificate.pem)
    }

    /// True when the certificate expires within the renewal window (30 days) or has expired.
    public func needsRenewal(now: Int = Int(time(nil))) throws -> Bool {
        let certificate = try Certificate(pem: readCertificatePEM())
        return certificate.notAfter - now <= CertificateSummary.renewalWindowSeconds
    }

    // MARK: remove

    /// Deletes certificate then key; false when there was no certificate.
    @discardableResult
    public func remove() throws(TedgeError) -> Bool {
        let hadCertificate = try FileSystem.remove(certificatePath)
        try FileSystem.remove(keyPath)
        return hadCertificate
    }

    // MARK: certificate signing request

    /// Writes a CSR for the device key (created, 0400, when there is none) to `outputPath`.
    /// The device id comes from `deviceID`, else from the current certificate.
    public func createSigningRequest(deviceID requested: String?, outputPath: String?) throws -> String {
        let deviceID: String
        if let requested {
            deviceID = requested
        } else if FileSystem.exists(certificatePath) {
            deviceID = try self.deviceID()
        } else {
            throw TedgeError(
                "No device id is known: pass `--device-id <id>` or create a certificate first with `tedge cert create --device-id <id>`."
            )
        }
        do { try DeviceID.validate(deviceID) } catch { throw CausedError("DeviceID Error", underlying: error) }
        let path = outputPath ?? csrPath
        try checkPath(path, key: "device.csr.path")

        let key: PrivateKey
        if FileSystem.exists(keyPath) {
            key = try PrivateKey(pem: try FileSystem.readText(keyPath))
        } else {
            try checkPath(keyPath, key: "device.key.path")
            key = try PrivateKey.generateP256()
            try createParentDirectory(of: keyPath)
            try AtomicFile.write(try key.pkcs8PEM(), to: keyPath, mode: 0o400, placement: .createNew)
            Self.giveToFolderOwner(keyPath)
        }
        let request = try CertificateSigningRequest(subject: Self.subject(deviceID: deviceID), key: key)
        try createParentDirectory(of: path)
        try AtomicFile.write(try request.pem(), to: path, mode: 0o644, placement: .replace)
        return path
    }
}

extension ConfigStore {
    /// The CLI's store: `device.id` is the CN of the certificate at `device.cert.path`.
    public static func readingDeviceCertificate(directory: String, schema: ConfigSchema) -> ConfigStore {
        ConfigStore(directory: directory, schema: schema) { config in try? DeviceCertificateFiles(config: config).deviceID() }
    }
}
