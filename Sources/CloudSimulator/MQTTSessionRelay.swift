import TedgeMQTTCodec
import TedgeSystem

/// The packet-level half of one device's relay: frames what each side sends and, for an Azure
/// device, enforces `AzureTopicPolicy` on the device's PUBLISH, SUBSCRIBE and UNSUBSCRIBE and moves
/// its `$iothub/…` topics into its own backend namespace (and back). Every other packet, and every
/// packet of other clouds' sessions, passes byte for byte; the PUBLISH, SUBSCRIBE and UNSUBSCRIBE
/// packets are still decoded (the shared codec, as strictly as the mapper's session decodes them), so
/// a malformed one closes the session.
struct MQTTSessionRelay {
    /// Larger packets are refused: IoT Hub's own limit is 256 KiB, and a device must not make the
    /// simulator buffer without bound.
    static let maximumRemainingLength = 4 << 20

    let deviceID: String
    let policy: AzureTopicPolicy?
    let log: Console
    private var deviceFrames: MQTTFrameDecoder
    private var backendFrames = MQTTFrameDecoder(maxRemainingLength: MQTTSessionRelay.maximumRemainingLength)

    /// `deviceFrames` may hold what the device sent after its CONNECT.
    init(
        deviceID: String, policy: AzureTopicPolicy?, log: Console,
        deviceFrames: MQTTFrameDecoder = MQTTFrameDecoder(maxRemainingLength: MQTTSessionRelay.maximumRemainingLength)
    ) {
        self.deviceID = deviceID
        self.policy = policy
        self.log = log
        self.deviceFrames = deviceFrames
    }

    /// The bytes to send to the backend, or nil when the connection must close.
    mutating func fromDevice(_ bytes: [UInt8]) -> [UInt8]? {
        deviceFrames.append(bytes)
        var out: [UInt8] = []
        do {
            while let frame = try deviceFrames.next() {
                guard let forward = try deviceRewrite(frame) else { return nil }
                out += forward
            }
        } catch {
            log.line("mqtt: closed \(deviceID): \(error)")
            return nil
        }
        return out
    }

    /// The bytes to send to the device, or nil when the backend broke the protocol.
    mutating func fromBackend(_ bytes: [UInt8]) -> [UInt8]? {
        guard let policy else { return bytes }
        backendFrames.append(bytes)
        var out: [UInt8] = []
        do {
            while let frame = try backendFrames.next() {
                guard frame.type == .publish, case .publish(var message, let packetID, let isDuplicate) = try frame.decode(),
                    case let topic = policy.deviceTopic(message.topic), topic != message.topic
                else {
                    out += frame.bytes
                    continue
                }
                message.topic = topic
                try MQTTPacket.publish(message, packetID: packetID, isDuplicate: isDuplicate).encode(into: &out)
            }
        } catch {
            return nil
        }
        return out
    }

    /// What to forward for one packet from the device; nil closes the connection.
    private func deviceRewrite(_ frame: MQTTFrame) throws(MQTTProtocolError) -> [UInt8]? {
        switch frame.type {
        case .connect:
            log.line("mqtt: closed \(deviceID): a second CONNECT")
            return nil
        case .publish:
            guard case .publish(var message, let packetID, let isDuplicate) = try frame.decode(), let policy else {
                return frame.bytes
            }
            guard policy.allows(message.topic) else {
                log.line("azure: closed \(deviceID): publishing to '\(message.topic)' is not allowed for this device")
                return nil
            }
            let topic = policy.backendTopic(message.topic)
            guard topic != message.topic else { return frame.bytes }
            message.topic = topic
            return try MQTTPacket.publish(message, packetID: packetID, isDuplicate: isDuplicate).encoded()
        case .subscribe:
            guard case .subscribe(let packetID, let subscriptions) = try frame.decode(), let policy else { return frame.bytes }
            guard allowed(subscriptions.map(\.filter), by: policy) else { return nil }
            let moved = subscriptions.map { MQTTSubscription(filter: policy.backendTopic($0.filter), qos: $0.qos) }
            return try MQTTPacket.subscribe(packetID: packetID, subscriptions: moved).encoded()
        case .unsubscribe:
            var unsubscribe = try MQTTUnsubscribe(frame)
            guard let policy else { return frame.bytes }
            guard allowed(unsubscribe.filters, by: policy) else { return nil }
            unsubscribe.filters = unsubscribe.filters.map(policy.backendTopic)
            return try unsubscribe.encoded()
        default:
            return frame.bytes
        }
    }

    private func allowed(_ filters: [String], by policy: AzureTopicPolicy) -> Bool {
        guard let refused = filters.first(where: { !policy.allows($0) }) else { return true }
        log.line("azure: closed \(deviceID): subscribing to '\(refused)' is not allowed for this device")
        return false
    }
}
