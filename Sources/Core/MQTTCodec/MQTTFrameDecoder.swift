/// Cuts a byte stream, fed in chunks of any size, into whole packets (`MQTTFrame`) without looking into
/// their bodies. Holds at most one incomplete packet, whose announced length is checked against
/// `maxRemainingLength` as soon as its fixed header is complete, so a hostile peer cannot make it buffer
/// without bound. After a thrown error the stream is unusable.
///
/// `MQTTPacketDecoder` reads through one of these without copying bodies (the internal `peek…` and
/// `consume` below); a relay takes whole frames with `next()`.
public struct MQTTFrameDecoder {
    public let maxRemainingLength: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Bytes of a consumed packet's body still to be dropped as they arrive.
    private var discarding = 0

    public init(maxRemainingLength: Int) {
        self.maxRemainingLength = min(max(maxRemainingLength, 0), MQTTFixedHeader.maximumRemainingLength)
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next whole packet, nil when more bytes are needed. Throws for a reserved packet type, a malformed
    /// remaining length, or one over `maxRemainingLength`.
    public mutating func next() throws(MQTTProtocolError) -> MQTTFrame? {
        guard peekFirstByte() != nil, let header = try peekHeader() else { return nil }
        guard header.remainingLength <= maxRemainingLength else {
            throw .packetTooLarge(length: header.remainingLength, limit: maxRemainingLength)
        }
        guard buffer.count - start >= header.packetLength else { return nil }
        let frame = MQTTFrame(header: header, bytes: Array(buffer[start..<start + header.packetLength]))
        start += header.packetLength
        return frame
    }

    /// The first byte of the next packet once it has arrived (dropping what is being discarded first).
    mutating func peekFirstByte() -> UInt8? {
        if discarding > 0 {
            let available = min(discarding, buffer.count - start)
            start += available
            discarding -= available
        }
        guard discarding == 0, start < buffer.count else { return nil }
        return buffer[start]
    }

    /// The next packet's fixed header once it is complete; nothing is consumed. Call `peekFirstByte()` first.
    func peekHeader() throws(MQTTProtocolError) -> MQTTFixedHeader? {
        try MQTTFixedHeader.read(buffer[start...])
    }

    /// The first `count` bytes of the body that `header` (the next packet's) announces, once they have arrived.
    func peekBody(of header: MQTTFixedHeader, count: Int) -> ArraySlice<UInt8>? {
        let bodyStart = start + header.byteCount
        guard buffer.count - bodyStart >= count else { return nil }
        return buffer[bodyStart..<bodyStart + count]
    }

    /// Consumes the next packet's header and the first `bodyBytes` of its body; the rest of the body is
    /// dropped as it arrives, never buffered.
    mutating func consume(_ header: MQTTFixedHeader, bodyBytes: Int) {
        start += header.byteCount + bodyBytes
        discarding = header.remainingLength - bodyBytes
        _ = peekFirstByte()
    }

    /// Drops consumed bytes before growing, so the buffer never holds more than one partial packet and a chunk.
    private mutating func compact() {
        guard start > 0 else { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.removeSubrange(0..<start)
        }
        start = 0
    }
}
