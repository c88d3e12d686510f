import TedgeMQTTSession

/// The broker's end of an in-memory connection, driven by the test script: sends packets (or raw bytes) to the
/// client and decodes what the client has written.
public final class ScriptedBroker {
    public let transport: InMemoryTransport
    /// The client's end, to see whether it reads.
    public let client: InMemoryTransport
    private var decoder = MQTTPacketDecoder()

    public init(transport: InMemoryTransport, client: InMemoryTransport) {
        self.transport = transport
        self.client = client
    }

    /// Encodes and sends; a packet that cannot be encoded is a mistake in the test script.
    public func send(_ packet: MQTTPacket) {
        transport.send(try! packet.encoded())
    }

    public func sendRaw(_ bytes: [UInt8]) { transport.send(bytes) }

    /// Every packet the client has written since the last call, in order.
    public func received() throws(MQTTProtocolError) -> [MQTTPacket] {
        decoder.append(transport.readAll())
        var packets: [MQTTPacket] = []
        while let packet = try decoder.next() { packets.append(packet) }
        return packets
    }

    public var isClosed: Bool { transport.isClosed }
}
