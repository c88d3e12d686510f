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
        let (listening, port) = try LoopbackSocket.listening()
        self.port = port
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
