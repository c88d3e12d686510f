import TedgeMQTTSession
import TedgeMessaging

/// The broker's end of an in-memory connection, driven by the test script.
final class ScriptedBroker {
    let transport: InMemoryTransport
    /// The forwarder's end, to see whether it reads.
    let client: InMemoryTransport
    private var decoder = MQTTPacketDecoder()

    init(transport: InMemoryTransport, client: InMemoryTransport) {
        self.transport = transport
        self.client = client
    }

    func send(_ packet: MQTTPacket) {
        transport.send(try! packet.encoded())
    }

    func sendRaw(_ bytes: [UInt8]) { transport.send(bytes) }

    /// Every packet the forwarder has written since the last call, in order.
    func received() throws -> [MQTTPacket] {
        decoder.append(transport.readAll())
        var packets: [MQTTPacket] = []
        while let packet = try decoder.next() { packets.append(packet) }
        return packets
    }

    var isClosed: Bool { transport.isClosed }
}
