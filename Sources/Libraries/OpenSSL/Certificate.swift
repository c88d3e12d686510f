import CTedgeOpenSSL

/// An owning wrapper for an X.509 certificate.
public final class Certificate: @unchecked Sendable {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { X509_free(pointer) }

    /// Reads the first `CERTIFICATE` block of a PEM text.
    public convenience init(pem: String) throws(CertificateFormatError) {
        guard let der = PEM.firstBlock(label: "CERTIFICATE", in: pem), !der.isEmpty else { throw .pem }
        try self.init(der: der)
    }

    /// Every `CERTIFICATE` block of a PEM text (a CA bundle); throws when one does not decode.
    public static func all(pem: String) throws(CertificateFormatError) -> [Certificate] {
        var certificates: [Certificate] = []
        for der in PEM.blocks(label: "CERTIFICATE", in: pem) {
            guard !der.isEmpty else { throw .pem }
            certificates.append(try Certificate(der: der))
        }
        return certificates
    }

    public convenience init(der: [UInt8]) throws(CertificateFormatError) {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            throw .x509(OpenSSLError.drain("decode X.509 DER").reasons.first ?? "invalid DER encoding")
        }
        self.init(owning: parsed)
    }

    public var der: [UInt8] {
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(pointer, &buffer)
        guard length > 0, let buffer else { return [] }
        defer { tedge_openssl_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    public var pem: String { PEM.encode(label: "CERTIFICATE", der: der) }

    public var subject: DistinguishedName { DistinguishedName(reading: X509_get_subject_name(pointer)) }
    public var issuer: DistinguishedName { DistinguishedName(reading: X509_get_issuer_name(pointer)) }

    /// Seconds since the Unix epoch.
    public var notBefore: Int { Self.epochSeconds(X509_get0_notBefore(pointer)) }
    public var notAfter: Int { Self.epochSeconds(X509_get0_notAfter(pointer)) }

    public var version: Int { Int(X509_get_version(pointer)) + 1 }

    /// Upper-case SHA-1 of the DER: the thumbprint Azure IoT Hub registers.
    public var sha1Thumbprint: String { SHA1.hexDigest(der) }

    /// Basic constraints: nil when absent, otherwise (critical, isCA).
    public var basicConstraints: (critical: Bool, isCA: Bool)? {
        let index = X509_get_ext_by_NID(pointer, NID_basic_constraints, -1)
        guard index >= 0, let ext = X509_get_ext(pointer, index) else { return nil }
        let critical = X509_EXTENSION_get_critical(ext) == 1
        return (critical, X509_check_ca(pointer) >= 1)
    }

    public var hasSubjectKeyIdentifier: Bool { X509_get0_subject_key_id(pointer) != nil }

    public func publicKeyDER() -> [UInt8] {
        guard let key = X509_get0_pubkey(pointer) else { return [] }
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &buffer)
        guard length > 0, let buffer else { return [] }
        defer { tedge_openssl_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    /// True when `key` is the private half of this certificate's public key.
    public func matches(_ key: PrivateKey) -> Bool {
        let matched = X509_check_private_key(pointer, key.pointer) == 1
        ERR_clear_error()  // a mismatch leaves an error on the thread's queue
        return matched
    }

    /// True when `issuerCertificate`'s key verifies this certificate's signature.
    public func isSigned(by issuerCertificate: Certificate) -> Bool {
        guard let key = X509_get0_pubkey(issuerCertificate.pointer) else { return false }
        return X509_verify(pointer, key) == 1
    }

    private static func epochSeconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int {
        guard let time else { return 0 }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return 0 }
        return Int(timegm(&parts))
    }
}
