import Foundation
import Glibc
import TedgeRuntime

/// A loopback TCP listener for HTTPS failure tests: it accepts connections and then either says
/// nothing at all (a hung server) or answers every request with one fixed reply (a refusing proxy).
final class SilentListener: @unchecked Sendable {
    let port: Int
    private let socket: Int32
    private let reply: [UInt8]?
    private let acceptor: Thread

    init(reply: String? = nil) throws {
        let listening = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listening, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listening, 16) == 0 else {
            close(listening)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listening, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        socket = listening
        let answer = reply.map { Array($0.utf8) }
        self.reply = answer
        acceptor = Thread {
            var held: [Int32] = []  // kept open: the client must see silence, not a closed connection
            while true {
                let client = accept(listening, nil, nil)
                guard client >= 0 else { break }
                if let answer {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    _ = recv(client, &buffer, buffer.count, 0)
                    _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
                held.append(client)
            }
            for client in held { close(client) }
        }
        acceptor.start()
    }

    deinit {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }
}
