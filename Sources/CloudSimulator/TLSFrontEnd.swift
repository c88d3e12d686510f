import Foundation
import TedgeOpenSSL
import TedgeSystem

/// The simulator's device-facing endpoint: TLS with client certificates on loopback, the CONNECT
/// checked by `DeviceAuthenticator`, then the session relayed byte for byte to the backend broker.
final class TLSFrontEnd: @unchecked Sendable {
    private let listener: LoopbackListener
    private let context: TLSServerContext
    private let authenticator: DeviceAuthenticator
    private let backendPort: Int
    private let log: Console

    var port: Int { listener.port }

    init(port requested: Int, context: TLSServerContext, authenticator: DeviceAuthenticator, backendPort: Int, log: Console) throws {
        self.context = context
        self.authenticator = authenticator
        self.backendPort = backendPort
        self.log = log
        listener = try LoopbackListener(port: requested)
    }

    func start() {
        listener.start { [self] client in serve(client) }
    }

    private func serve(_ socketFD: Int32) {
        defer { close(socketFD) }
        let session: TLSConnection
        do { session = try context.accept(socket: socketFD) } catch {
            log.line("tls: handshake failed: \(error)")
            return
        }
        var buffered: [UInt8] = []
        var connect: MQTTConnectPacket?
        while connect == nil {
            let bytes = session.read()
            if bytes.isEmpty { return }
            buffered += bytes
            switch MQTTConnectPacket.parse(buffered) {
            case .complete(let packet): connect = packet
            case .needMoreBytes: continue
            case .invalid(let reason):
                log.line("mqtt: rejected connection: \(reason)")
                return
            }
        }
        guard let connect else { return }
        switch authenticator.authenticate(certificate: session.peerCertificate, connect: connect) {
        case .failure(let rejection):
            log.line("auth: rejected \(connect.clientID): \(rejection.reason)")
            _ = session.write([0x20, 0x02, 0x00, rejection.code])
            session.shutdown()
            return
        case .success(let deviceID):
            log.line("auth: accepted \(deviceID)")
        }
        let backend = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(backend) }
        var address = LoopbackListener.loopback(port: backendPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(backend, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0, Self.writeAll(backend, buffered) else { return }
        relay(session, backend)
    }

    /// Copies both ways until either side closes.
    private func relay(_ session: TLSConnection, _ backend: Int32) {
        var descriptors = [pollfd(fd: session.socket, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: backend, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            if session.pendingBytes == 0 {
                descriptors[0].revents = 0
                descriptors[1].revents = 0
                if poll(&descriptors, 2, -1) < 0 {
                    if errno == EINTR { continue }
                    return
                }
            } else {
                descriptors[0].revents = Int16(POLLIN)
            }
            if descriptors[0].revents != 0 {
                let bytes = session.read()
                if bytes.isEmpty || !Self.writeAll(backend, bytes) { return }
            }
            if descriptors[1].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(backend, $0.baseAddress, $0.count) }
                if count <= 0 || !session.write(Array(buffer.prefix(count))) { return }
            }
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}
