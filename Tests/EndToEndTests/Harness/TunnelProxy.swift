import Foundation
import Glibc
import Synchronization

/// A minimal HTTP `CONNECT` proxy on loopback: it records each tunnel's target and request, connects to it on
/// 127.0.0.1, answers 200 and relays bytes both ways until either side closes. Given a `refusal` (`407 Proxy
/// Authentication Required`, say) it answers every CONNECT with that status and closes, as a refusing proxy does.
final class TunnelProxy: Sendable {
    let port: Int
    private let socket: Int32
    private let refusal: String?
    private let targets = Mutex<[String]>([])
    private let heads = Mutex<[String]>([])

    /// The `host:port` of every tunnel asked for so far.
    var requestedTargets: [String] { targets.withLock { $0 } }
    /// Every CONNECT request's head (request line and header fields), in arrival order.
    var requestHeads: [String] { heads.withLock { $0 } }

    init(refusal: String? = nil) throws {
        self.refusal = refusal
        let (listening, port) = try LoopbackSocket.listening()
        self.port = port
        socket = listening
        Thread { [self] in
            while true {
                let client = accept(listening, nil, nil)
                guard client >= 0 else { return }
                Thread { self.serve(client) }.start()
            }
        }.start()
    }

    deinit {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    private func serve(_ client: Int32) {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]), recv(client, &byte, 1, 0) == 1 { head.append(byte) }
        let words = String(decoding: head, as: UTF8.self).split(separator: " ")
        guard words.count >= 2, words[0] == "CONNECT", let port = words[1].split(separator: ":").last.flatMap({ UInt16($0) })
        else {
            close(client)
            return
        }
        targets.withLock { $0.append(String(words[1])) }
        heads.withLock { $0.append(String(decoding: head, as: UTF8.self)) }
        if let refusal {
            _ = Array("HTTP/1.1 \(refusal)\r\nContent-Length: 0\r\n\r\n".utf8).withUnsafeBytes {
                send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            close(client)
            return
        }
        let upstream = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = LoopbackSocket.address(port: port)
        guard LoopbackSocket.withSockaddr(&address, { connect(upstream, $0, $1) }) == 0 else {
            _ = Array("HTTP/1.1 502 Bad Gateway\r\n\r\n".utf8).withUnsafeBytes {
                send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            close(upstream)
            close(client)
            return
        }
        _ = Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8).withUnsafeBytes {
            send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
        let done = DispatchGroup()
        for (from, to) in [(client, upstream), (upstream, client)] {
            done.enter()
            Thread {
                var buffer = [UInt8](repeating: 0, count: 16_384)
                while true {
                    let count = recv(from, &buffer, buffer.count, 0)
                    guard count > 0, buffer.withUnsafeBytes({ send(to, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }) == count
                    else { break }
                }
                shutdown(to, Int32(SHUT_WR))
                done.leave()
            }.start()
        }
        done.wait()
        close(upstream)
        close(client)
    }
}
