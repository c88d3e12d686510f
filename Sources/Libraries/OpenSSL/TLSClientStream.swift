import CTedgeOpenSSL
import Glibc

/// A non-blocking TLS 1.2+ client session on a socket the caller owns and polls: mutual TLS with the device
/// certificate and key, the server verified against the given CA file or directory and its host name. Every
/// call returns at once; `wantRead`/`wantWrite` say what to poll for before calling again. Used by the
/// built-in bridge's cloud session, where one poll loop also serves the local broker.
public final class TLSClientStream {
    /// What a call achieved.
    public enum Result: Equatable {
        case bytes(Int)
        case wantRead
        case wantWrite
        /// The server ended the session (close_notify or end of stream).
        case closed
        case failed(String)
    }

    private let context: OpaquePointer
    private let session: OpaquePointer
    private let peer: String

    public init(
        socket: Int32, host: String, port: Int, caFile: String?, caDirectory: String?, certificateFile: String,
        keyFile: String
    ) throws(OpenSSLError) {
        peer = "\(host):\(port)"
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw OpenSSLError.drain("create TLS context") }
        guard tedge_ssl_ctx_min_tls12(context) == 1 else {
            SSL_CTX_free(context)
            throw OpenSSLError.drain("require TLS 1.2")
        }
        let loaded =
            (caFile != nil || caDirectory != nil)
            ? SSL_CTX_load_verify_locations(context, caFile, caDirectory) : SSL_CTX_set_default_verify_paths(context)
        guard loaded == 1 else {
            SSL_CTX_free(context)
            throw OpenSSLError.drain("load the root certificates")
        }
        guard SSL_CTX_use_certificate_chain_file(context, certificateFile) == 1 else {
            SSL_CTX_free(context)
            throw OpenSSLError.drain("load the device certificate \(certificateFile)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, keyFile, SSL_FILETYPE_PEM) == 1 else {
            SSL_CTX_free(context)
            throw OpenSSLError.drain("load the device key \(keyFile)")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        // Partial writes and a write buffer that moves between retries: the caller's buffer is a growing array.
        _ = SSL_CTX_ctrl(context, SSL_CTRL_MODE, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER), nil)
        guard let session = SSL_new(context) else {
            SSL_CTX_free(context)
            throw OpenSSLError.drain("create TLS session")
        }
        self.context = context
        self.session = session
        SSL_set_fd(session, socket)
        _ = tedge_ssl_set_sni(session, host)
        SSL_set1_host(session, host)
    }

    deinit {
        SSL_free(session)
        SSL_CTX_free(context)
    }

    /// Advances the handshake: `.bytes(0)` once it is complete.
    public func handshake() -> Result {
        let result = SSL_connect(session)
        if result == 1 { return .bytes(0) }
        switch outcome(result, operation: "TLS handshake with \(peer)") {
        case .failed(let reason):
            let verify = SSL_get_verify_result(session)
            guard verify != X509_V_OK else { return .failed(reason) }
            return .failed("TLS handshake with \(peer): \(String(cString: X509_verify_cert_error_string(verify)))")
        case let other:
            return other == .closed ? .failed("TLS handshake with \(peer): the server closed the connection") : other
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Result {
        let count = SSL_read(session, buffer.baseAddress, Int32(clamping: buffer.count))
        return count > 0 ? .bytes(Int(count)) : outcome(count, operation: "read from \(peer)")
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Result {
        guard !bytes.isEmpty else { return .bytes(0) }
        let count = SSL_write(session, bytes.baseAddress, Int32(clamping: bytes.count))
        return count > 0 ? .bytes(Int(count)) : outcome(count, operation: "write to \(peer)")
    }

    /// Decrypted bytes buffered inside OpenSSL, which a poll on the socket cannot see.
    public var pendingBytes: Int { Int(SSL_pending(session)) }

    /// Sends close_notify, without waiting for the server's.
    public func shutdown() { _ = SSL_shutdown(session) }

    private func outcome(_ result: Int32, operation: String) -> Result {
        let saved = errno
        switch SSL_get_error(session, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let error = OpenSSLError.drain(operation)
            if !error.reasons.isEmpty { return .failed(error.description) }
            if saved == EAGAIN || saved == EWOULDBLOCK { return .wantRead }
            return saved == 0 ? .closed : .failed("\(operation): \(String(cString: strerror(saved)))")
        default:
            return .failed(OpenSSLError.drain(operation).description)
        }
    }
}
