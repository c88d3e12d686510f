import TedgeMessaging

/// The outputs waiting to be sent and the QoS 1 ones sent and not yet acknowledged (at most `maxInflight`), with
/// the packet identifiers in use and who waits for each acknowledgement.
struct OutputWindow {
    /// Who waits for an output to be acknowledged.
    enum Owner: Equatable {
        case input(sequence: Int)
        case untracked
        case finalMessage
        /// A message handed in from elsewhere (the built-in bridge's inbound messages), reported when acknowledged.
        case external(token: Int)
    }

    private struct QueuedOutput {
        var message: MQTTMessage
        var owner: Owner
    }

    let maxInflight: Int
    private var queued = FIFOQueue<QueuedOutput>()
    private var inflight: [UInt16: Owner] = [:]
    private var nextPacketID: UInt16 = 1

    init(maxInflight: Int) { self.maxInflight = maxInflight }

    var inflightCount: Int { inflight.count }
    var queuedCount: Int { queued.count }
    var outstandingCount: Int { inflight.count + queued.count }

    /// QoS 2 goes out as QoS 1: this session does not speak the QoS 2 flow.
    mutating func enqueue(_ message: MQTTMessage, owner: Owner) {
        var output = message
        if output.qos == .exactlyOnce { output.qos = .atLeastOnce }
        queued.append(QueuedOutput(message: output, owner: owner))
    }

    /// The next queued output that may be sent now, with its packet identifier (nil for QoS 0, which needs no
    /// slot); nil when the queue is empty or the window full.
    mutating func takeSendable() -> (message: MQTTMessage, packetID: UInt16?)? {
        guard let head = queued.first else { return nil }
        if head.message.qos == .atMostOnce {
            _ = queued.popFirst()
            return (head.message, nil)
        }
        guard inflight.count < maxInflight else { return nil }
        _ = queued.popFirst()
        return (head.message, track(head.owner))
    }

    /// Takes a packet identifier for an output sent past the window (the final messages: after a timed-out drain
    /// the window may still be full).
    mutating func track(_ owner: Owner) -> UInt16 {
        while true {
            let candidate = nextPacketID
            nextPacketID = candidate == UInt16.max ? 1 : candidate + 1
            if inflight[candidate] == nil {
                inflight[candidate] = owner
                return candidate
            }
        }
    }

    /// Frees the identifier (acknowledged, or never sent); returns who waited for it, nil when unknown.
    mutating func release(_ packetID: UInt16) -> Owner? { inflight.removeValue(forKey: packetID) }

    /// Forgets what has not been sent yet (a timed-out drain).
    mutating func dropQueued() { queued.removeAll() }

    mutating func reset() {
        queued.removeAll()
        inflight.removeAll()
    }
}
