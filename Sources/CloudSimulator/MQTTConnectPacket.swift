/// The parts of an MQTT 3.1/3.1.1 CONNECT packet the simulator checks: client id and username.
/// `MQTTPacket` decodes it; this is only the result.
struct MQTTConnectPacket: Equatable {
    let clientID: String
    let username: String?
}
