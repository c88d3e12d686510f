import CTedgeOpenSSL

/// Signs X.509 v3 certificates: self-signed device certificates, and the simulator's CA and server certificates.
public struct CertificateIssuer {
    public let name: DistinguishedName
    public let key: PrivateKey

    public init(name: DistinguishedName, key: PrivateKey) {
        self.name = name
        self.key = key
    }

    /// What to put in a certificate besides names and keys.
    public struct Profile: Sendable {
        public var notBefore: Int
        public var notAfter: Int
        public var serial: Int
        public var isCA: Bool
        public var dnsNames: [String]
        public var ipAddresses: [String]

        public init(notBefore: Int, notAfter: Int, serial: Int, isCA: Bool, dnsNames: [String] = [], ipAddresses: [String] = []) {
            self.notBefore = notBefore
            self.notAfter = notAfter
            self.serial = serial
            self.isCA = isCA
            self.dnsNames = dnsNames
            self.ipAddresses = ipAddresses
        }
    }

    public func issue(
        subject: DistinguishedName, subjectKey: PrivateKey, profile: Profile,
        issuerCertificate: Certificate? = nil
    ) throws -> Certificate {
        guard let x509 = X509_new() else { throw OpenSSLError.drain("allocate certificate") }
        let certificate = Certificate(owning: x509)
        guard X509_set_version(x509, 2) == 1,
            ASN1_INTEGER_set(X509_get_serialNumber(x509), profile.serial) == 1,
            ASN1_TIME_set(X509_getm_notBefore(x509), time_t(profile.notBefore)) != nil,
            ASN1_TIME_set(X509_getm_notAfter(x509), time_t(profile.notAfter)) != nil,
            X509_set_pubkey(x509, subjectKey.pointer) == 1
        else { throw OpenSSLError.drain("fill certificate fields") }

        let subjectName = try subject.makeX509Name()
        defer { X509_NAME_free(subjectName) }
        let issuerName = try name.makeX509Name()
        defer { X509_NAME_free(issuerName) }
        guard X509_set_subject_name(x509, subjectName) == 1, X509_set_issuer_name(x509, issuerName) == 1 else {
            throw OpenSSLError.drain("set certificate names")
        }

        var context = X509V3_CTX()
        tedge_x509v3_ctx_nodb(&context)
        X509V3_set_ctx(&context, issuerCertificate?.pointer ?? x509, x509, nil, nil, 0)
        // A self-signed device certificate is its own CA: Cumulocity rejects one without CA:TRUE.
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, profile.isCA ? "critical,CA:TRUE" : "critical,CA:FALSE"),
            (NID_subject_key_identifier, "hash"),
        ]
        if issuerCertificate != nil { extensions.append((NID_authority_key_identifier, "keyid:always")) }
        let alternativeNames = profile.dnsNames.map { "DNS:\($0)" } + profile.ipAddresses.map { "IP:\($0)" }
        if !alternativeNames.isEmpty { extensions.append((NID_subject_alt_name, alternativeNames.joined(separator: ","))) }
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw OpenSSLError.drain("build certificate extension \(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(x509, ext, -1) == 1 else { throw OpenSSLError.drain("add certificate extension") }
        }
        guard X509_sign(x509, key.pointer, EVP_sha256()) > 0 else { throw OpenSSLError.drain("sign certificate") }
        return certificate
    }
}
