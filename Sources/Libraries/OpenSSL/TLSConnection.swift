import CTedgeOpenSSL

/// One accepted TLS session over a blocking socket. The socket stays owned by the caller.
public final class TLSConnection: @unchecked Sendable {
    let pointer: OpaquePointer
    public let socket: Int32

    init(owning pointer: OpaquePointer, socket: Int32) {
        self.pointer = pointer
        self.socket = socket
    }

    public var peerCertificate: Certificate? {
        guard let peer = SSL_get1_peer_certificate(pointer) else { return nil }
        return Certificate(owning: peer)
    }

    /// Bytes already decrypted and buffered, which `poll` on the socket cannot see.
    public var pendingBytes: Int { Int(SSL_pending(pointer)) }

    /// Reads up to `maximum` bytes; an empty result means the peer closed the session.
    public func read(maximum: Int = 16_384) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        let count = buffer.withUnsafeMutableBytes { SSL_read(pointer, $0.baseAddress, Int32($0.count)) }
        return count > 0 ? Array(buffer.prefix(Int(count))) : []
    }

    /// Writes everything or returns false.
    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { SSL_write(pointer, $0.baseAddress, Int32($0.count)) }
            guard written > 0 else { return false }
            offset += Int(written)
        }
        return true
    }

    public func shutdown() { SSL_shutdown(pointer) }

    deinit { SSL_free(pointer) }
}
