import FuzzDriver
import TedgeMQTTCodec

/// The shared MQTT codec, as both of its users drive it:
/// - the mapper's session (`MQTTPacketDecoder`): decode any bytes without trapping; every packet decoded
///   re-encodes to bytes that decode to the same packet;
/// - the simulator (`MQTTFrameDecoder` and the typed decode above it): frames are the bytes they came as,
///   their typed decode agrees with the session's decoder, CONNECT / PUBLISH / SUBSCRIBE / UNSUBSCRIBE
///   round-trip, and the relay's topic rewrites and the answers it encodes (SUBACK, UNSUBACK) stay valid.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMQTTPacket(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let packets = sessionPackets(bytes)
    let frames = simulatorFrames(bytes)
    // Both paths run the same typed decode: up to where either stops, they agree.
    for (packet, frame) in zip(packets, frames) {
        guard let packet else { break }
        guard case .success(let decoded) = frame else { fatalError("decoder gave \(packet), the frame path failed: \(frame)") }
        precondition(decoded == packet, "decoder gave \(packet), the frame path \(decoded)")
    }
    return 0
}

private let limit = 4096

/// The session's decoder: packets until it needs more bytes or throws; nil for an oversized PUBLISH (whose
/// payload it skips while the frame layer refuses it).
private func sessionPackets(_ bytes: UnsafeRawBufferPointer) -> [MQTTPacket?] {
    var decoder = MQTTPacketDecoder(maxRemainingLength: limit)
    decoder.append(bytes)
    var packets: [MQTTPacket?] = []
    while true {
        let decoded: MQTTPacketDecoder.Decoded?
        do {
            decoded = try decoder.nextDecoded()
        } catch {
            precondition(!error.description.isEmpty)
            return packets
        }
        guard let decoded else { return packets }
        roundTrip(decoded.packet)
        packets.append(decoded.omittedPayloadBytes == 0 ? decoded.packet : nil)
    }
}

private func roundTrip(_ packet: MQTTPacket) {
    let bytes: [UInt8]
    do {
        bytes = try packet.encoded()
    } catch {
        fatalError("decoded packet does not encode: \(packet): \(error)")
    }
    var again = MQTTPacketDecoder(maxRemainingLength: limit)
    again.append(bytes)
    do {
        guard try again.next() == packet, try again.next() == nil else {
            fatalError("round trip changed the packet: \(packet) -> \(bytes)")
        }
    } catch {
        fatalError("re-encoded packet does not decode: \(packet) -> \(bytes): \(error)")
    }
}

/// The simulator's path: whole frames, each decoded as the relay and the DPS session decode it.
private func simulatorFrames(_ bytes: UnsafeRawBufferPointer) -> [Result<MQTTPacket, MQTTProtocolError>] {
    var decoder = MQTTFrameDecoder(maxRemainingLength: limit)
    decoder.append(bytes)
    var results: [Result<MQTTPacket, MQTTProtocolError>] = []
    while true {
        let frame: MQTTFrame?
        do {
            frame = try decoder.next()
        } catch {
            precondition(!error.description.isEmpty)
            return results
        }
        guard let frame else { return results }
        precondition(frame.bytes.count == frame.header.packetLength && frame.header.remainingLength <= limit)
        precondition((try? MQTTFixedHeader.read(frame.bytes[...])) == frame.header, "header read again differs: \(frame)")
        let result = Result { () throws(MQTTProtocolError) in try frame.decode() }
        if case .success(let packet) = result { relay(packet) }
        if let unsubscribe = try? MQTTUnsubscribe(frame) { relay(unsubscribe) }
        results.append(result)
    }
}

/// What the relay does with a decoded packet: an Azure device's topics and filters moved under its own
/// prefix, and the answers the DPS session sends.
private func relay(_ packet: MQTTPacket) {
    switch packet {
    case .connect(let connect):
        precondition(connect.protocolLevel == 3 || connect.protocolLevel == 4)
        _ = (connect.clientID, connect.username)
    case .publish(var message, let packetID, let isDuplicate):
        message.topic = "devices/d/" + message.topic
        guard message.topic.utf8.count <= 65535 else { return }
        expectSame(.publish(message, packetID: packetID, isDuplicate: isDuplicate))
    case .subscribe(let packetID, let subscriptions):
        let moved = subscriptions.map { MQTTSubscription(filter: "devices/d/" + $0.filter, qos: $0.qos) }
        if moved.allSatisfy({ $0.filter.utf8.count <= 65535 }) {
            expectSame(.subscribe(packetID: packetID, subscriptions: moved))
        }
        expectSame(.suback(packetID: packetID, returnCodes: subscriptions.map { _ in 1 }))
    default:
        break
    }
}

private func relay(_ unsubscribe: MQTTUnsubscribe) {
    var moved = unsubscribe
    moved.filters = unsubscribe.filters.map { "devices/d/" + $0 }
    for candidate in [unsubscribe, moved] where candidate.filters.allSatisfy({ $0.utf8.count <= 65535 }) {
        do {
            guard let decoded = try singleFrame(candidate.encoded()), try MQTTUnsubscribe(decoded) == candidate else {
                fatalError("UNSUBSCRIBE round trip changed \(candidate)")
            }
        } catch {
            fatalError("UNSUBSCRIBE \(candidate) does not round-trip: \(error)")
        }
    }
    guard let acknowledgement = try? singleFrame(unsubscribe.acknowledgement), acknowledgement.type == .unsuback else {
        fatalError("UNSUBACK for \(unsubscribe) is not a frame")
    }
}

/// Encodes a packet the relay built and checks it decodes back to itself.
private func expectSame(_ packet: MQTTPacket) {
    do {
        guard let decoded = try singleFrame(packet.encoded()), try decoded.decode() == packet else {
            fatalError("relayed packet changed: \(packet)")
        }
    } catch {
        fatalError("relayed packet \(packet) does not round-trip: \(error)")
    }
}

/// The single whole frame in `bytes`.
private func singleFrame(_ bytes: [UInt8]) throws(MQTTProtocolError) -> MQTTFrame? {
    var decoder = MQTTFrameDecoder(maxRemainingLength: MQTTFixedHeader.maximumRemainingLength)
    decoder.append(bytes)
    guard let frame = try decoder.next(), decoder.bufferedByteCount == 0 else { return nil }
    return frame
}

/// The process entry point SwiftPM links as `main`: libFuzzer's driver, with this file's target.
@_cdecl("FuzzMQTTPacket_main")
public func FuzzMQTTPacketMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv) { data, size in fuzzMQTTPacket(data, size) }
}
