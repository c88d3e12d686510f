import Glibc
import TedgeMessaging

/// The built-in bridge's cloud session with its I/O: the transport (TLS, from `connector`), the decoder, the write
/// buffer and the store (`CloudOutbox`), driven by `CloudSessionStateMachine`. It has no poll loop of its own:
/// the bridge's loop polls its descriptor beside the forwarder's and calls `step()` every iteration.
public final class CloudSessionDriver {
    private var machine: CloudSessionStateMachine
    private let connector: () -> any MQTTTransport
    private let outbox: any CloudOutbox
    /// Hands an inbound message to the local side; false when it is not ready (the message is handed in again).
    private let forward: (MQTTMessage, Int) -> Bool
    private let statusChanged: (Bool) -> Void
    /// Messages the cloud acknowledged and the store removed, for the metrics.
    private let removed: () -> Void
    private let log: (String) -> Void
    private let clock: any MonotonicClock
    private let readBuffer: UnsafeMutableRawBufferPointer
    private var connection: ForwarderConnection?

    private static let readChunkBytes = 64 * 1024
    private static let readsPerStep = 16

    public init(
        configuration: CloudSessionConfiguration, connector: @escaping () -> any MQTTTransport, outbox: any CloudOutbox,
        forward: @escaping (MQTTMessage, Int) -> Bool, statusChanged: @escaping (Bool) -> Void,
        removed: @escaping () -> Void = {}, log: @escaping (String) -> Void, clock: any MonotonicClock = SystemMonotonicClock()
    ) {
        machine = CloudSessionStateMachine(configuration: configuration)
        self.connector = connector
        self.outbox = outbox
        self.forward = forward
        self.statusChanged = statusChanged
        self.removed = removed
        self.log = log
        self.clock = clock
        readBuffer = .allocate(byteCount: Self.readChunkBytes, alignment: 16)
    }

    deinit {
        connection?.close()
        readBuffer.deallocate()
    }

    public var isConnected: Bool { machine.isConnected }
    public var lastFailure: String? { machine.lastFailure }
    public var inflightCount: Int { machine.inflightCount }

    public func appendPollDescriptors(to descriptors: inout [pollfd]) {
        guard let connection, connection.transport.fileDescriptor >= 0 else { return }
        var events: Int16 = 0
        if machine.isOpening {
            events = (connection.transport as? any MQTTTransportPollEvents)?.pollEventsWhileConnecting ?? Int16(POLLOUT)
        } else {
            if machine.isReadable { events |= Int16(POLLIN) }
            if connection.hasPendingWrites { events |= Int16(POLLOUT) }
        }
        if events != 0 { descriptors.append(pollfd(fd: connection.transport.fileDescriptor, events: events, revents: 0)) }
    }

    public func nextDeadline(after now: Int64) -> Int64 { machine.nextDeadline(after: now) }

    /// One iteration: finish connecting, read, let time pass, remove what was acknowledged, write.
    public func step() {
        let now = clock.milliseconds
        finishConnecting(now: now)
        read(now: now)
        machine.tick(now: now)
        perform(now: now)
        machine.commitRemovals(now: now)
        perform(now: now)
        flush(now: now)
    }

    /// The store took new messages (the forwarder's append returned).
    public func storeAppended() {
        let now = clock.milliseconds
        machine.storeAppended(now: now)
        perform(now: now)
    }

    public func localReadyChanged(_ ready: Bool) {
        let now = clock.milliseconds
        machine.localReadyChanged(ready, now: now)
        perform(now: now)
    }

    public func localDelivered(token: Int) {
        let now = clock.milliseconds
        machine.localDelivered(token: token, now: now)
        perform(now: now)
    }

    public func stop() {
        let now = clock.milliseconds
        machine.stop(now: now)
        perform(now: now)
    }

    private func perform(now: Int64) {
        while let action = machine.nextAction() {
            switch action {
            case .openConnection:
                // The cloud connection reuses the forwarder's connection buffering; its role is only a label.
                connection = ForwarderConnection(
                    role: .output, transport: connector(), maxIncomingPacketBytes: MQTTPacketDecoder.defaultMaxRemainingLength)
                finishConnecting(now: now)
            case .write(let packet):
                do { try connection?.append(packet) } catch { log("cannot send to the cloud: \(error)") }
            case .flush:
                _ = connection?.flush()
            case .closeConnection:
                connection?.close()
                connection = nil
            case .fetch(let sequence, let limit):
                do {
                    machine.fetched(try outbox.next(after: sequence, limit: limit), limit: limit, now: now)
                } catch {
                    log("cannot read the store: \(error)")
                    machine.fetched([], limit: limit, now: now)
                }
            case .remove(let sequence):
                do {
                    try outbox.remove(upTo: sequence)
                    removed()
                } catch { log("cannot remove acknowledged messages from the store: \(error)") }
            case .forwardInbound(let message, let token):
                if !forward(message, token) { machine.localReadyChanged(false, now: now) }
            case .cloudStatusChanged(let connected):
                statusChanged(connected)
            case .log(let line):
                log(line)
            }
        }
    }

    private func finishConnecting(now: Int64) {
        guard let connection, machine.isOpening else { return }
        switch connection.transport.finishConnecting() {
        case .connected: machine.connectionOpened(now: now)
        case .inProgress: return
        case .failed(let reason): machine.connectionFailed(reason: reason, now: now)
        }
        perform(now: now)
    }

    private func read(now: Int64) {
        for _ in 0..<Self.readsPerStep {
            guard let connection, machine.isOpen, decodeBuffered(connection, now: now) else { return }
            switch connection.transport.read(into: readBuffer) {
            case .bytes(let count):
                machine.bytesReceived(now: now)
                connection.decoder.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
                guard decodeBuffered(connection, now: now) else { return }
            case .wouldBlock: return
            case .endOfStream: return lose("connection closed by the cloud", now: now)
            case .failed(let reason): return lose(reason, now: now)
            }
        }
    }

    private func decodeBuffered(_ connection: ForwarderConnection, now: Int64) -> Bool {
        do {
            while machine.isReadable, let decoded = try connection.decoder.nextDecoded() {
                machine.packetReceived(decoded.packet, now: now)
                perform(now: now)
                guard connection === self.connection else { return false }
            }
        } catch {
            lose("protocol violation by the cloud: \(error)", now: now)
            return false
        }
        return machine.isReadable
    }

    private func lose(_ reason: String, now: Int64) {
        machine.connectionClosed(reason: reason, now: now)
        perform(now: now)
    }

    private func flush(now: Int64) {
        guard let connection else { return }
        if let reason = connection.flush() { lose(reason, now: now) }
    }
}
