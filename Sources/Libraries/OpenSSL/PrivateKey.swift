import CTedgeOpenSSL

/// An owning wrapper for an OpenSSL private key (EVP_PKEY).
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) { self.pointer = pointer }

    /// A fresh ECDSA key on NIST P-256 (prime256v1), the curve thin-edge's device certificates use.
    public static func generateP256() throws -> PrivateKey {
        guard let key = tedge_generate_p256_key() else { throw OpenSSLError.drain("generate a P-256 key") }
        return PrivateKey(pointer: key)
    }

    /// Reads a PEM private key (PKCS#8 or traditional).
    public convenience init(pem: String) throws {
        let bio = try MemoryBIO(bytes: Array(pem.utf8))
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, nil, nil) else {
            throw OpenSSLError.drain("read private key")
        }
        self.init(pointer: key)
    }

    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), unencrypted.
    public func pkcs8PEM() throws -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil) == 1 else {
            throw OpenSSLError.drain("encode private key")
        }
        return bio.string
    }

    /// DER of the public half, to compare a key with a certificate.
    public func publicKeyDER() throws -> [UInt8] {
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(pointer, &buffer)
        guard length > 0, let buffer else { throw OpenSSLError.drain("encode public key") }
        defer { tedge_openssl_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    deinit { EVP_PKEY_free(pointer) }
}
