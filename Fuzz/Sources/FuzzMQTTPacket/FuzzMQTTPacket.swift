import FuzzDriver
import TedgeMQTTSession

/// MQTT packet decoder: decode any bytes without trapping; every packet decoded re-encodes to bytes that decode
/// to the same packet.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMQTTPacket(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var decoder = MQTTPacketDecoder(maxRemainingLength: 4096)
    decoder.append(UnsafeRawBufferPointer(start: data, count: size))
    while true {
        let packet: MQTTPacket?
        do {
            packet = try decoder.next()
        } catch {
            precondition(!error.description.isEmpty)
            return 0
        }
        guard let packet else { return 0 }
        let bytes: [UInt8]
        do {
            bytes = try packet.encoded()
        } catch {
            fatalError("decoded packet does not encode: \(packet): \(error)")
        }
        var again = MQTTPacketDecoder(maxRemainingLength: 4096)
        again.append(bytes)
        do {
            guard try again.next() == packet, try again.next() == nil else {
                fatalError("round trip changed the packet: \(packet) -> \(bytes)")
            }
        } catch {
            fatalError("re-encoded packet does not decode: \(packet) -> \(bytes): \(error)")
        }
    }
}

/// The process entry point SwiftPM links as `main`: libFuzzer's driver, with this file's target.
@_cdecl("FuzzMQTTPacket_main")
public func FuzzMQTTPacketMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv) { data, size in fuzzMQTTPacket(data, size) }
}
