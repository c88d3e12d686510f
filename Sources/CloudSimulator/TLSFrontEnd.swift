import Foundation
import TedgeMQTTCodec
import TedgeOpenSSL
import TedgeSystem

/// The simulator's device-facing endpoint: TLS with client certificates on loopback, the CONNECT
/// checked by `DeviceAuthenticator`, then the session relayed to the backend broker packet by packet
/// (`MQTTSessionRelay`), so Azure's per-device topic rules hold. A CONNECT whose username is the
/// Device Provisioning Service's is answered here instead (`DeviceProvisioningSession`).
final class TLSFrontEnd: @unchecked Sendable {
    private let listener: LoopbackListener
    private let context: TLSServerContext
    private let authenticator: DeviceAuthenticator
    private let backendPort: Int
    private let log: Console

    var port: Int { listener.port }

    init(port requested: Int, context: TLSServerContext, authenticator: DeviceAuthenticator, backendPort: Int, log: Console)
        throws
    {
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
        var deviceFrames = MQTTFrameDecoder(maxRemainingLength: MQTTSessionRelay.maximumRemainingLength)
        let connectFrame: MQTTFrame
        let connect: MQTTConnect
        do {
            guard let frame = try Self.firstFrame(of: session, &deviceFrames) else { return }
            guard frame.type == .connect, case .connect(let decoded) = try frame.decode() else {
                log.line("mqtt: rejected connection: the first packet is not CONNECT")
                return
            }
            connectFrame = frame
            connect = decoded
        } catch {
            log.line("mqtt: rejected connection: \(error)")
            return
        }
        if case .deviceProvisioning = DeviceUsername.classify(connect.username) {
            var provisioning = DeviceProvisioningSession(
                directory: authenticator.directory, assignedHub: "localhost:\(port)",
                certificate: session.peerCertificate, log: log)
            serve(session, provisioning: &provisioning, connect: connect, frames: &deviceFrames)
            session.shutdown()
            return
        }
        let deviceID: String
        switch authenticator.authenticate(certificate: session.peerCertificate, connect: connect) {
        case .failure(let rejection):
            log.line("auth: rejected \(connect.clientID): \(rejection.reason)")
            _ = Self.send(.connack(sessionPresent: false, returnCode: rejection.code), to: session)
            session.shutdown()
            return
        case .success(let id):
            deviceID = id
            log.line("auth: accepted \(id)")
        }
        let backend = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(backend) }
        var address = LoopbackListener.loopback(port: backendPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(backend, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0, Self.writeAll(backend, connectFrame.bytes) else { return }
        let policy: AzureTopicPolicy? =
            if case .azure = DeviceUsername.classify(connect.username) {
                AzureTopicPolicy(deviceID: deviceID)
            } else {
                nil
            }
        var relay = MQTTSessionRelay(deviceID: deviceID, policy: policy, log: log, deviceFrames: deviceFrames)
        self.relay(session, backend, through: &relay)
        session.shutdown()
    }

    /// The device's first packet, nil when it closes the connection first.
    private static func firstFrame(of session: TLSConnection, _ frames: inout MQTTFrameDecoder)
        throws(MQTTProtocolError) -> MQTTFrame?
    {
        while true {
            if let frame = try frames.next() { return frame }
            let bytes = session.read()
            if bytes.isEmpty { return nil }
            frames.append(bytes)
        }
    }

    /// Answers a provisioning session packet by packet until the device disconnects.
    private func serve(
        _ session: TLSConnection, provisioning: inout DeviceProvisioningSession, connect: MQTTConnect,
        frames: inout MQTTFrameDecoder
    ) {
        let code = provisioning.accept(connect)
        guard Self.send(.connack(sessionPresent: false, returnCode: code), to: session), code == 0 else { return }
        while true {
            do {
                while let frame = try frames.next() {
                    guard let replies = try provisioning.answer(frame), session.write(replies) else { return }
                }
            } catch {
                log.line("dps: closed \(connect.clientID): \(error)")
                return
            }
            let bytes = session.read()
            if bytes.isEmpty { return }
            frames.append(bytes)
        }
    }

    private static func send(_ packet: MQTTPacket, to session: TLSConnection) -> Bool {
        guard let bytes = try? packet.encoded() else { return false }
        return session.write(bytes)
    }

    /// Copies both ways, packet by packet, until either side closes or the device breaks a rule.
    private func relay(_ session: TLSConnection, _ backend: Int32, through relay: inout MQTTSessionRelay) {
        var descriptors = [
            pollfd(fd: session.socket, events: Int16(POLLIN), revents: 0),
            pollfd(fd: backend, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 16_384)
        guard let first = relay.fromDevice([]), Self.writeAll(backend, first) else { return }
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
                if bytes.isEmpty { return }
                guard let forward = relay.fromDevice(bytes), Self.writeAll(backend, forward) else { return }
            }
            if descriptors[1].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(backend, $0.baseAddress, $0.count) }
                if count <= 0 { return }
                guard let forward = relay.fromBackend(Array(buffer.prefix(count))), session.write(forward) else { return }
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
