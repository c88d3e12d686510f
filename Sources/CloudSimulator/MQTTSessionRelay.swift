import TedgeSystem

/// The packet-level half of one device's relay: frames what each side sends and, for an Azure
/// device, enforces `AzureTopicPolicy` on the device's PUBLISH, SUBSCRIBE and UNSUBSCRIBE and moves
/// its `$iothub/…` topics into its own backend namespace (and back). Other clouds' sessions pass
/// unchanged, but are still framed, so a malformed packet closes them too.
struct MQTTSessionRelay {
    let deviceID: String
    let policy: AzureTopicPolicy?
    let log: Console
    var pendingFromDevice: [UInt8] = []
    private var pendingFromBackend: [UInt8] = []

    init(deviceID: String, policy: AzureTopicPolicy?, log: Console) {
        self.deviceID = deviceID
        self.policy = policy
        self.log = log
    }

    /// The bytes to send to the backend, or nil when the connection must close.
    mutating func fromDevice(_ bytes: [UInt8]) -> [UInt8]? {
        pendingFromDevice += bytes
        var out: [UInt8] = []
        var start = 0
        defer { pendingFromDevice.removeFirst(min(start, pendingFromDevice.count)) }
        while true {
            switch MQTTPacket.parse(pendingFromDevice, from: start) {
            case .needMoreBytes: return out
            case .invalid(let reason):
                log.line("mqtt: closed \(deviceID): \(reason)")
                return nil
            case .complete(let packet, let end):
                start = end
                guard let forward = deviceRewrite(packet) else { return nil }
                out += forward.encoded
            }
        }
    }

    /// The bytes to send to the device, or nil when the backend broke the protocol.
    mutating func fromBackend(_ bytes: [UInt8]) -> [UInt8]? {
        guard let policy else { return bytes }
        pendingFromBackend += bytes
        var out: [UInt8] = []
        var start = 0
        defer { pendingFromBackend.removeFirst(min(start, pendingFromBackend.count)) }
        while true {
            switch MQTTPacket.parse(pendingFromBackend, from: start) {
            case .needMoreBytes: return out
            case .invalid: return nil
            case .complete(let packet, let end):
                start = end
                if packet.kind == .publish, case .success(let topic) = packet.publishTopic() {
                    out += packet.withPublishTopic(policy.deviceTopic(topic)).encoded
                } else {
                    out += packet.encoded
                }
            }
        }
    }

    private func deviceRewrite(_ packet: MQTTPacket) -> MQTTPacket? {
        switch packet.kind {
        case .connect:
            log.line("mqtt: closed \(deviceID): a second CONNECT")
            return nil
        case .publish:
            switch packet.publishTopic() {
            case .failure(let invalid):
                log.line("mqtt: closed \(deviceID): \(invalid.reason)")
                return nil
            case .success(let topic):
                guard let policy else { return packet }
                guard policy.allows(topic) else {
                    log.line("azure: closed \(deviceID): publishing to '\(topic)' is not allowed for this device")
                    return nil
                }
                return packet.withPublishTopic(policy.backendTopic(topic))
            }
        case .subscribe, .unsubscribe:
            switch packet.filters() {
            case .failure(let invalid):
                log.line("mqtt: closed \(deviceID): \(invalid.reason)")
                return nil
            case .success(let filters):
                guard let policy else { return packet }
                if let refused = filters.first(where: { !policy.allows($0) }) {
                    log.line("azure: closed \(deviceID): subscribing to '\(refused)' is not allowed for this device")
                    return nil
                }
                return packet.withFilters(policy.backendTopic)
            }
        default:
            return packet
        }
    }
}
