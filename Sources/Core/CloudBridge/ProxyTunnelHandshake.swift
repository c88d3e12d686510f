import Glibc
import TedgeHTTPProxy
import TedgeMQTTSession

/// The CONNECT exchange on a non-blocking socket: the request (written as far as it goes), then the proxy's answer
/// byte by byte to its blank line. A refusal names the proxy's status line.
struct ProxyTunnelHandshake {
    enum Progress {
        case wantRead
        case wantWrite
        case done
        case failed(String)
    }

    private let proxy: ProxyTunnel
    private let target: String
    private var request: [UInt8]
    private var written = 0
    private var response = HTTPConnectResponse()

    init(proxy: ProxyTunnel, host: String, port: Int) {
        self.proxy = proxy
        target = "\(host):\(port)"
        request = HTTPConnectRequest.bytes(host: host, port: port, authorization: proxy.authorization)
    }

    mutating func advance(socket: TCPTransport) -> Progress {
        while written < request.count {
            let result = request.withUnsafeBytes { socket.write(UnsafeRawBufferPointer(rebasing: $0[written...])) }
            switch result {
            case .wrote(let count): written += count
            case .wouldBlock: return .wantWrite
            case .failed(let reason): return .failed(failure(reason))
            }
        }
        var byte: UInt8 = 0
        while !response.isComplete {
            switch withUnsafeMutableBytes(of: &byte, { socket.read(into: $0) }) {
            case .bytes: _ = response.append(byte)
            case .wouldBlock: return .wantRead
            case .endOfStream: return .failed(failure("the proxy closed the connection"))
            case .failed(let reason): return .failed(failure(reason))
            }
        }
        return response.isSuccess ? .done : .failed(failure("the proxy answered: \(response.statusLine)"))
    }

    private func failure(_ reason: String) -> String {
        "the proxy \(proxy.host):\(proxy.port) refused a tunnel to \(target): \(reason)"
    }
}
