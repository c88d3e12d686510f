import CTedgeOpenSSL
import Glibc

/// A TLS 1.2+ client session over a TCP connection it owns, verifying the server against the given
/// CA file or directory and its host name. Used for HTTPS (the Cumulocity certificate upload).
public final class TLSClientConnection: @unchecked Sendable {
    private let context: OpaquePointer
    private let session: OpaquePointer
    private let socket: Int32

    public init(host: String, port: Int, caFile: String?, caDirectory: String?) throws {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw OpenSSLError.drain("create TLS context") }
        self.context = context
        guard tedge_ssl_ctx_min_tls12(context) == 1 else {
            SSL_CTX_free(context)
            throw OpenSSLError.drain("require TLS 1.2")
        }
        if caFile != nil || caDirectory != nil {
            guard SSL_CTX_load_verify_locations(context, caFile, caDirectory) == 1 else {
                SSL_CTX_free(context)
                throw OpenSSLError.drain("load the root certificates")
            }
        } else {
            SSL_CTX_set_default_verify_paths(context)
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        socket = try Self.connect(host: host, port: port)
        guard let session = SSL_new(context) else {
            close(socket)
            SSL_CTX_free(context)
            throw OpenSSLError.drain("create TLS session")
        }
        self.session = session
        SSL_set_fd(session, socket)
        _ = tedge_ssl_set_sni(session, host)
        SSL_set1_host(session, host)
        guard SSL_connect(session) == 1 else {
            let verify = SSL_get_verify_result(session)
            let reason = verify != X509_V_OK ? String(cString: X509_verify_cert_error_string(verify)) : nil
            let error = OpenSSLError.drain("TLS handshake with \(host):\(port)")
            throw reason.map { OpenSSLError(operation: "TLS handshake with \(host):\(port)", reasons: [$0]) } ?? error
        }
    }

    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { SSL_write(session, $0.baseAddress, Int32($0.count)) }
            guard written > 0 else { return false }
            offset += Int(written)
        }
        return true
    }

    /// Up to `maximum` bytes; empty when the server closed the session.
    public func read(maximum: Int = 16_384) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        let count = buffer.withUnsafeMutableBytes { SSL_read(session, $0.baseAddress, Int32($0.count)) }
        return count > 0 ? Array(buffer.prefix(Int(count))) : []
    }

    deinit {
        SSL_shutdown(session)
        SSL_free(session)
        close(socket)
        SSL_CTX_free(context)
    }

    private static func connect(host: String, port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw OpenSSLError(operation: "resolve \(host)", reasons: ["no address found"])
        }
        defer { freeaddrinfo(results) }
        var current: UnsafeMutablePointer<addrinfo>? = first
        var lastError: Int32 = 0
        while let info = current {
            let fd = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
                lastError = errno
                close(fd)
            }
            current = info.pointee.ai_next
        }
        throw OpenSSLError(operation: "connect to \(host):\(port)", reasons: ["\(String(cString: strerror(lastError))) (os error \(lastError))"])
    }
}
