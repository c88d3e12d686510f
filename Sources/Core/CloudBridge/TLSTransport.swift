import Glibc
import TedgeMQTTSession
import TedgeOpenSSL
import TedgeSystem

/// The cloud session's transport: a non-blocking TCP connection (`TCPTransport`), through an HTTP proxy's CONNECT
/// tunnel when one is configured, then mutual TLS 1.2+ (`TLSClientStream`), all advanced by `finishConnecting`
/// without blocking the poll loop that also serves the local broker.
final class TLSTransport: MQTTTransport, MQTTTransportPollEvents {
    struct Endpoint {
        var host: String
        var port: UInt16
        var caFile: String?
        var caDirectory: String?
        var certificateFile: String
        var keyFile: String
        var proxy: ProxyTunnel?
    }

    private enum Stage {
        case tcp
        case tunnel(ProxyTunnelHandshake)
        case tls(TLSClientStream)
        case established(TLSClientStream)
        case failed(String)
    }

    private let endpoint: Endpoint
    private let socket: TCPTransport
    private var stage: Stage = .tcp
    private var interest = Int16(POLLOUT)

    init(_ endpoint: Endpoint) {
        self.endpoint = endpoint
        socket = TCPTransport(host: endpoint.proxy?.host ?? endpoint.host, port: endpoint.proxy?.port ?? endpoint.port)
    }

    var fileDescriptor: Int32 { socket.fileDescriptor }
    var pollEventsWhileConnecting: Int16 { interest }

    func finishConnecting() -> TransportConnectProgress {
        while true {
            switch stage {
            case .tcp:
                switch socket.finishConnecting() {
                case .inProgress: return .inProgress
                case .failed(let reason):
                    let target = endpoint.proxy.map { "the proxy \($0.host):\($0.port)" } ?? "\(endpoint.host):\(endpoint.port)"
                    stage = .failed("cannot connect to \(target): \(reason)")
                case .connected:
                    if let proxy = endpoint.proxy {
                        stage = .tunnel(ProxyTunnelHandshake(proxy: proxy, host: endpoint.host, port: Int(endpoint.port)))
                    } else {
                        startTLS()
                    }
                }
            case .tunnel(var handshake):
                switch handshake.advance(socket: socket) {
                case .wantRead:
                    interest = Int16(POLLIN)
                    stage = .tunnel(handshake)
                    return .inProgress
                case .wantWrite:
                    interest = Int16(POLLOUT)
                    stage = .tunnel(handshake)
                    return .inProgress
                case .done: startTLS()
                case .failed(let reason): stage = .failed(reason)
                }
            case .tls(let stream):
                switch stream.handshake() {
                case .bytes:
                    stage = .established(stream)
                    // Certificates, key exchange, signatures: run again only on a reconnect.
                    ResidentMemory.releaseCodePages()
                case .wantRead:
                    interest = Int16(POLLIN)
                    return .inProgress
                case .wantWrite:
                    interest = Int16(POLLOUT)
                    return .inProgress
                case .closed: stage = .failed("the cloud closed the connection during the TLS handshake")
                case .failed(let reason): stage = .failed(reason)
                }
            case .established:
                return .connected
            case .failed(let reason):
                return .failed(reason)
            }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportReadResult {
        guard case .established(let stream) = stage else { return .failed("not connected") }
        switch stream.read(into: buffer) {
        case .bytes(let count): return .bytes(count)
        case .wantRead:
            // Everything available is read: acknowledge it at once (TCP_QUICKACK, which the kernel clears again). A
            // cloud that sends each PUBACK as its own small segment under Nagle's algorithm holds the next ones until
            // our ACK, and a delayed ACK (up to 40 ms) would stall the window when we have nothing to send back.
            var enabled: Int32 = 1
            _ = setsockopt(socket.fileDescriptor, Int32(IPPROTO_TCP), TCP_QUICKACK, &enabled, socklen_t(MemoryLayout<Int32>.size))
            return .wouldBlock
        case .wantWrite: return .wouldBlock
        case .closed: return .endOfStream
        case .failed(let reason): return .failed(reason)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TransportWriteResult {
        guard case .established(let stream) = stage else { return .failed("not connected") }
        switch stream.write(bytes) {
        case .bytes(let count): return .wrote(count)
        case .wantRead, .wantWrite: return .wouldBlock
        case .closed: return .failed("connection closed by the cloud")
        case .failed(let reason): return .failed(reason)
        }
    }

    func close() {
        if case .established(let stream) = stage { stream.shutdown() }
        stage = .failed("closed")
        socket.close()
    }

    private func startTLS() {
        // OpenSSL's set-up and the handshake run code the connection's other steps do not: what ran before (the
        // local sessions' start, the TCP connection) is given back first, the handshake's code once it is done.
        ResidentMemory.releaseCodePages()
        do {
            stage = .tls(
                try TLSClientStream(
                    socket: socket.fileDescriptor, host: endpoint.host, port: Int(endpoint.port), caFile: endpoint.caFile,
                    caDirectory: endpoint.caDirectory, certificateFile: endpoint.certificateFile, keyFile: endpoint.keyFile))
        } catch {
            stage = .failed(error.description)
        }
    }
}
