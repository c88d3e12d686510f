/// The QoS 1 inputs received and not yet acknowledged, in arrival order, each with what it still waits for: its
/// conversion, then the broker's PUBACK for each of its QoS 1 outputs. PUBACKs leave only from the head, so in
/// the order the inputs arrived (MQTT 3.1.1 §4.6).
struct AcknowledgementLedger {
    private struct PendingInput {
        var packetID: UInt16
        var outstanding: Int
    }

    private var pending = FIFOQueue<PendingInput>()
    /// The sequence number of the head.
    private var firstSequence = 0

    var count: Int { pending.count }

    /// Records an input that waits for its conversion; returns its sequence number.
    mutating func receive(packetID: UInt16) -> Int {
        pending.append(PendingInput(packetID: packetID, outstanding: 1))
        return firstSequence + pending.count - 1
    }

    /// One more output to wait for (added while the input's conversion is still outstanding).
    mutating func addOutput(to sequence: Int) { adjust(sequence, by: 1) }

    /// The input's conversion, or one of its outputs, is done.
    mutating func settle(_ sequence: Int) { adjust(sequence, by: -1) }

    /// Removes the head and returns its packet identifier once it waits for nothing.
    mutating func popAcknowledgeable() -> UInt16? {
        guard let head = pending.first, head.outstanding <= 0 else { return nil }
        _ = pending.popFirst()
        firstSequence += 1
        return head.packetID
    }

    /// Forgets every pending input: the session is gone and the broker redelivers them.
    mutating func reset() { pending.removeAll() }

    private mutating func adjust(_ sequence: Int, by delta: Int) {
        let offset = sequence - firstSequence
        guard offset >= 0, offset < pending.count else { return }
        pending[offset].outstanding += delta
    }
}
