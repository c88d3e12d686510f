import CTedgeOpenSSL

/// A PKCS#10 certificate signing request, for getting the device key certified by a CA.
public final class CertificateSigningRequest: @unchecked Sendable {
    let pointer: OpaquePointer

    public init(subject: DistinguishedName, key: PrivateKey) throws {
        guard let request = X509_REQ_new() else { throw OpenSSLError.drain("allocate signing request") }
        pointer = request
        let name = try subject.makeX509Name()
        defer { X509_NAME_free(name) }
        guard X509_REQ_set_version(request, 0) == 1,
            X509_REQ_set_subject_name(request, name) == 1,
            X509_REQ_set_pubkey(request, key.pointer) == 1,
            X509_REQ_sign(request, key.pointer, EVP_sha256()) > 0
        else { throw OpenSSLError.drain("sign certificate signing request") }
    }

    public convenience init(pem: String) throws {
        let bio = try MemoryBIO(bytes: Array(pem.utf8))
        guard let request = PEM_read_bio_X509_REQ(bio.pointer, nil, nil, nil) else {
            throw OpenSSLError.drain("read certificate signing request")
        }
        self.init(owning: request)
    }

    private init(owning pointer: OpaquePointer) { self.pointer = pointer }

    public var subject: DistinguishedName { DistinguishedName(reading: X509_REQ_get_subject_name(pointer)) }

    public var isSignatureValid: Bool {
        guard let key = X509_REQ_get0_pubkey(pointer) else { return false }
        return X509_REQ_verify(pointer, key) == 1
    }

    public func pem() throws -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509_REQ(bio.pointer, pointer) == 1 else { throw OpenSSLError.drain("encode signing request") }
        return bio.string
    }

    deinit { X509_REQ_free(pointer) }
}
