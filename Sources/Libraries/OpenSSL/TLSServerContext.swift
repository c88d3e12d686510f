import CTedgeOpenSSL

/// A TLS server configuration that asks every client for a certificate: TLS 1.2 and later, or
/// exactly TLS 1.1 when `maximumVersion` is `.tls11` (a deliberately outdated cloud, for tests).
///
/// Client certificates are accepted at the TLS layer whoever signed them, because IoT hubs trust
/// self-signed device certificates by thumbprint: the caller checks `TLSConnection.peerCertificate`.
public final class TLSServerContext: @unchecked Sendable {
    let pointer: OpaquePointer

    public init(
        certificate: Certificate, key: PrivateKey, maximumVersion: TLSVersion? = nil,
        requireClientCertificate: Bool = true
    ) throws {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw OpenSSLError.drain("create TLS context") }
        pointer = context
        if maximumVersion == .tls11 {
            try Self.offerOnlyTLS11(context)
        } else {
            guard tedge_ssl_ctx_min_tls12(context) == 1 else { throw OpenSSLError.drain("require TLS 1.2") }
            if let maximumVersion, tedge_ssl_ctx_set_max_proto(context, maximumVersion.rawValue) != 1 {
                throw OpenSSLError.drain("limit TLS version")
            }
        }
        guard SSL_CTX_use_certificate(context, certificate.pointer) == 1,
            SSL_CTX_use_PrivateKey(context, key.pointer) == 1,
            SSL_CTX_check_private_key(context) == 1
        else { throw OpenSSLError.drain("load server certificate") }
        if requireClientCertificate {
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT) { _, _ in 1 }
        }
    }

    /// OpenSSL 3 forbids TLS 1.1 at its default security level: level 0 and `@SECLEVEL=0` in the
    /// cipher list allow it, so the server really completes a 1.1 handshake with clients that accept one.
    private static func offerOnlyTLS11(_ context: OpaquePointer) throws {
        SSL_CTX_set_security_level(context, 0)
        guard SSL_CTX_set_cipher_list(context, "DEFAULT:@SECLEVEL=0") == 1,
            tedge_ssl_ctx_set_min_proto(context, TLSVersion.tls11.rawValue) == 1,
            tedge_ssl_ctx_set_max_proto(context, TLSVersion.tls11.rawValue) == 1
        else { throw OpenSSLError.drain("offer TLS 1.1 only") }
    }

    /// Runs the server side of the handshake on an accepted socket.
    public func accept(socket: Int32) throws -> TLSConnection {
        guard let ssl = SSL_new(pointer) else { throw OpenSSLError.drain("create TLS session") }
        let connection = TLSConnection(owning: ssl, socket: socket)
        guard SSL_set_fd(ssl, socket) == 1 else { throw OpenSSLError.drain("attach TLS session") }
        guard SSL_accept(ssl) == 1 else { throw OpenSSLError.drain("TLS handshake") }
        return connection
    }

    deinit { SSL_CTX_free(pointer) }
}
