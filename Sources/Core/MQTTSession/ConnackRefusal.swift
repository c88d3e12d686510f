/// Why a broker refused a connection, from its CONNACK return code (MQTT 3.1.1 §3.2.2.3): the words both the
/// local sessions and the cloud session log.
enum ConnackRefusal {
    static func reason(_ code: UInt8) -> String {
        switch code {
        case 1: return "unacceptable protocol version"
        case 2: return "identifier rejected"
        case 3: return "server unavailable"
        case 4: return "bad user name or password"
        case 5: return "not authorised"
        default: return "return code \(code)"
        }
    }
}
