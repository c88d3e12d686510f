import Glibc

// The driver's reading and writing: bytes from a session's transport into its decoder and the decoded packets
// into the state machine, and the write buffers out to the sockets.
extension MessageForwarder {

    func read(_ role: MQTTSessionRole, now: Int64) {
        let chunk = role == .input ? MessageForwarder.inputReadChunkBytes : readBuffer.count
        for _ in 0..<MessageForwarder.readsPerStep {
            // What an earlier read left buffered comes first, then the socket, unless the window is full.
            guard let connection = connection(role), decodeBuffered(connection, now: now) else { return }
            switch connection.transport.read(into: UnsafeMutableRawBufferPointer(rebasing: readBuffer[0..<chunk])) {
            case .bytes(let count):
                machine.bytesReceived(on: role, now: now)
                connection.decoder.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
                guard decodeBuffered(connection, now: now) else { return }
                if count < chunk { return }
            case .wouldBlock: return
            case .endOfStream: return lose(role, reason: "connection closed by the broker", now: now)
            case .failed(let reason): return lose(role, reason: reason, now: now)
            }
        }
    }

    /// Hands the buffered packets to the state machine until none is left (true) or the connection is gone or
    /// not to be read (false).
    func decodeBuffered(_ connection: ForwarderConnection, now: Int64) -> Bool {
        let role = connection.role
        do {
            while machine.isReadable(role), let decoded = try connection.decoder.nextDecoded() {
                machine.packetReceived(
                    decoded.packet, omittedPayloadBytes: decoded.omittedPayloadBytes, on: role, now: now)
                performActions(now: now)
                guard connection === self.connection(role) else { return false }
            }
        } catch {
            lose(role, reason: "protocol violation by the broker: \(error)", now: now)
            return false
        }
        return machine.isReadable(role)
    }

    func lose(_ role: MQTTSessionRole, reason: String, now: Int64) {
        machine.connectionClosed(role, reason: reason, now: now)
        performActions(now: now)
    }

    func flush(now: Int64) {
        for role in [MQTTSessionRole.input, .output] {
            guard let connection = connection(role) else { continue }
            if let reason = connection.flush() { lose(role, reason: reason, now: now) }
            if role == .output { machine.outputBacklogChanged(bytes: output?.pendingWriteBytes ?? 0) }
        }
    }
}
