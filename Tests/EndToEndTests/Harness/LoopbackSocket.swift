import Foundation
import Glibc

/// Loopback TCP sockets for the test servers (`SilentListener`, `TunnelProxy`).
enum LoopbackSocket {
    /// A socket listening on 127.0.0.1 at a free port the kernel picked, and that port.
    static func listening() throws -> (socket: Int32, port: Int) {
        let listening = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = self.address(port: 0)
        guard withSockaddr(&address, { bind(listening, $0, $1) }) == 0, listen(listening, 16) == 0 else {
            close(listening)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listening, $0, &length) }
        }
        return (listening, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// 127.0.0.1:`port`.
    static func address(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        return address
    }

    static func withSockaddr(_ address: inout sockaddr_in, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
