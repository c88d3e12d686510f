/// One of the forwarder's two connections to the broker, as the driver sees it: its transport, what has been read
/// and not yet decoded, and what waits to be written. Its state (connected, when it last sent and received) is
/// the state machine's.
final class ForwarderConnection {
    let role: MQTTSessionRole
    let transport: any MQTTTransport
    var decoder: MQTTPacketDecoder
    private var writeBuffer: [UInt8] = []
    private var writeOffset = 0

    init(role: MQTTSessionRole, transport: any MQTTTransport, maxIncomingPacketBytes: Int) {
        self.role = role
        self.transport = transport
        decoder = MQTTPacketDecoder(maxRemainingLength: maxIncomingPacketBytes)
    }

    var hasPendingWrites: Bool { writeOffset < writeBuffer.count }
    var pendingWriteBytes: Int { writeBuffer.count - writeOffset }

    /// Encodes into the write buffer, flushed once per step: many packets, one write call.
    func append(_ packet: MQTTPacket) throws(MQTTProtocolError) {
        try packet.encode(into: &writeBuffer)
    }

    /// Writes until everything is written or the transport would block; returns why it failed, if it did.
    func flush() -> String? {
        while writeOffset < writeBuffer.count {
            let result = writeBuffer.withUnsafeBytes { bytes in
                transport.write(UnsafeRawBufferPointer(rebasing: bytes[writeOffset...]))
            }
            switch result {
            case .wrote(let count):
                writeOffset += count
                if count == 0 { return nil }
            case .wouldBlock:
                compactWriteBuffer()
                return nil
            case .failed(let reason):
                return reason
            }
        }
        compactWriteBuffer()
        return nil
    }

    func close() { transport.close() }

    private func compactWriteBuffer() {
        if writeOffset == writeBuffer.count {
            // A burst may have grown the buffer; do not keep a large one for an idle mapper.
            if writeBuffer.capacity > 256 * 1024 {
                writeBuffer = []
            } else {
                writeBuffer.removeAll(keepingCapacity: true)
            }
            writeOffset = 0
        } else if writeOffset >= 64 * 1024 {
            writeBuffer.removeSubrange(0..<writeOffset)
            writeOffset = 0
        }
    }
}
