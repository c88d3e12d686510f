import Glibc
import TedgeMQTTSession
import TedgeMessaging

/// A minimal MQTT client for the integration test's publisher and subscriber, built on the session's own codec
/// and TCP transport; non-blocking, serviced by `pump` from the test's loop.
final class TestMQTTClient {
    private let transport: TCPTransport
    private var decoder = MQTTPacketDecoder()
    private var output: [UInt8] = []
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private(set) var received: [MQTTMessage] = []
    private(set) var unacknowledgedPublishes = 0
    private var nextPacketID: UInt16 = 1
    private var connected = false
    private var subscribed = false

    init(port: UInt16, clientID: String, subscribeTo filter: String? = nil) throws {
        transport = TCPTransport(host: "127.0.0.1", port: port)
        try waitFor("TCP connect") { transport.finishConnecting() == .connected }
        try send(.connect(MQTTConnect(clientID: clientID, cleanSession: true, keepAliveSeconds: 60)))
        try waitFor("CONNACK") { connected }
        if let filter {
            try send(
                .subscribe(
                    packetID: allocatePacketID(),
                    subscriptions: [MQTTSubscription(filter: filter, qos: .atLeastOnce)]))
            try waitFor("SUBACK") { subscribed }
        }
    }

    func publish(_ message: MQTTMessage) throws {
        try message.qos == .atMostOnce
            ? send(.publish(message, packetID: nil, isDuplicate: false))
            : send(.publish(message, packetID: allocatePacketID(), isDuplicate: false))
        if message.qos != .atMostOnce { unacknowledgedPublishes += 1 }
    }

    /// Writes what is queued and handles what has arrived, without blocking.
    func pump() throws {
        while !output.isEmpty {
            let result = output.withUnsafeBytes { transport.write($0) }
            guard case .wrote(let count) = result else { break }
            output.removeFirst(count)
        }
        while case .bytes(let count) = buffer.withUnsafeMutableBytes({ transport.read(into: $0) }) {
            decoder.append(Array(buffer[0..<count]))
            while let packet = try decoder.next() {
                switch packet {
                case .connack(_, 0): connected = true
                case .suback: subscribed = true
                case .puback: unacknowledgedPublishes -= 1
                case .publish(let message, let packetID, _):
                    received.append(message)
                    if let packetID { try MQTTPacket.puback(packetID: packetID).encode(into: &output) }
                default: break
                }
            }
        }
    }

    func close() {
        try? send(.disconnect)
        transport.close()
    }

    private func send(_ packet: MQTTPacket) throws {
        try packet.encode(into: &output)
        try pump()
    }

    private func allocatePacketID() -> UInt16 {
        defer { nextPacketID = nextPacketID == UInt16.max ? 1 : nextPacketID + 1 }
        return nextPacketID
    }

    private func waitFor(_ what: String, _ condition: () -> Bool) throws {
        for _ in 0..<2500 {
            try pump()
            if condition() { return }
            usleep(2_000)
        }
        throw TestSetupError("timed out waiting for \(what)")
    }
}
