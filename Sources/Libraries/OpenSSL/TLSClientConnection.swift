import CTedgeOpenSSL
import Glibc
import TedgeHTTPProxy

/// A TLS 1.2+ client session over a TCP connection it owns, verifying the server against the given
/// CA file or directory and its host name. Used for HTTPS (the Cumulocity certificate upload).
/// Every step gives up after `timeout` seconds (a silent server never hangs the caller), and with
/// `proxy` set the session runs through an HTTP proxy's `CONNECT` tunnel.
public final class TLSClientConnection: @unchecked Sendable {
    private let context: OpaquePointer
    private let session: OpaquePointer
    private let socket: Int32
    private let timeout: Double
    private let peer: String

    public init(
        host: String, port: Int, caFile: String?, caDirectory: String?, timeout: Double = 15,
        proxy: (host: String, port: Int)? = nil
    ) throws {
        self.timeout = timeout
        peer = "\(host):\(port)"
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
        do {
            if let proxy {
                socket = try Self.connect(host: proxy.host, port: proxy.port, timeout: timeout)
                try Self.openTunnel(socket, to: host, port: port, proxy: "\(proxy.host):\(proxy.port)")
            } else {
                socket = try Self.connect(host: host, port: port, timeout: timeout)
            }
        } catch {
            SSL_CTX_free(context)
            throw error
        }
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
            if Self.lastCallTimedOut(session, result: -1) {
                _ = OpenSSLError.drain("")
                throw OpenSSLError(
                    operation: "TLS handshake with \(host):\(port)",
                    reasons: [
                        "timed out after \(Self.seconds(timeout)) s (the server accepted the connection but did not answer)"
                    ])
            }
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
        (try? readOrTimeOut(maximum: maximum)) ?? []
    }

    /// Up to `maximum` bytes; empty when the server closed the session; throws when it stayed silent.
    public func readOrTimeOut(maximum: Int = 16_384) throws(OpenSSLError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        let count = buffer.withUnsafeMutableBytes { SSL_read(session, $0.baseAddress, Int32($0.count)) }
        if count <= 0, Self.lastCallTimedOut(session, result: count) {
            throw OpenSSLError(
                operation: "read from \(peer)", reasons: ["timed out after \(Self.seconds(timeout)) s without an answer"])
        }
        return count > 0 ? Array(buffer.prefix(Int(count))) : []
    }

    /// A blocking socket with SO_RCVTIMEO fails with EAGAIN when the timeout passes, which OpenSSL
    /// reports as "want read/write" (it takes EAGAIN for a retry) or as a system call error.
    private static func lastCallTimedOut(_ session: OpaquePointer, result: Int32) -> Bool {
        let saved = errno
        switch SSL_get_error(session, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return true
        case SSL_ERROR_SYSCALL: return saved == EAGAIN || saved == EWOULDBLOCK
        default: return false
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    deinit {
        SSL_shutdown(session)
        SSL_free(session)
        close(socket)
        SSL_CTX_free(context)
    }

    /// Asks the proxy for a tunnel to `host:port` and reads its answer up to the blank line.
    private static func openTunnel(_ fd: Int32, to host: String, port: Int, proxy: String) throws {
        let request = HTTPConnectRequest.bytes(host: host, port: port)
        let sent = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else {
            close(fd)
            throw OpenSSLError(
                operation: "ask the proxy \(proxy) for a tunnel to \(host):\(port)", reasons: ["the request could not be sent"])
        }
        var answer = HTTPConnectResponse()
        var byte: UInt8 = 0
        // Byte by byte, so nothing of the TLS session that follows is consumed here.
        while !answer.isComplete {
            let count = Glibc.recv(fd, &byte, 1, 0)
            guard count == 1 else {
                let timedOut = count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
                close(fd)
                throw OpenSSLError(
                    operation: "ask the proxy \(proxy) for a tunnel to \(host):\(port)",
                    reasons: [timedOut ? "timed out without an answer" : "the proxy closed the connection"])
            }
            _ = answer.append(byte)
        }
        guard answer.isSuccess else {
            close(fd)
            throw OpenSSLError(
                operation: "ask the proxy \(proxy) for a tunnel to \(host):\(port)",
                reasons: ["the proxy answered: \(answer.statusLine)"])
        }
    }

    /// A connected blocking socket whose reads and writes give up after `timeout` seconds.
    private static func connect(host: String, port: Int, timeout: Double) throws -> Int32 {
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
                if connect(fd, info.pointee, timeout: timeout) { return fd }
                lastError = errno
                close(fd)
            }
            current = info.pointee.ai_next
        }
        let reason =
            lastError == ETIMEDOUT
            ? "timed out after \(seconds(timeout)) s" : "\(String(cString: strerror(lastError))) (os error \(lastError))"
        throw OpenSSLError(operation: "connect to \(host):\(port)", reasons: [reason])
    }

    /// Non-blocking connect bounded by poll, then back to blocking with send/receive timeouts.
    private static func connect(_ fd: Int32, _ info: addrinfo, timeout: Double) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { return false }
            var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&waiting, 1, Int32(timeout * 1000))
            guard ready == 1 else {
                errno = ready == 0 ? ETIMEDOUT : errno
                return false
            }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
            guard failure == 0 else {
                errno = failure
                return false
            }
        }
        _ = fcntl(fd, F_SETFL, flags)
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        return true
    }
}
