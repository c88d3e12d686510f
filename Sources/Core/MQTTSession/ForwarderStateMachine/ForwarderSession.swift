/// The state machine's view of one of the two sessions: how far its connection has come, and when it last sent
/// and received (keep-alive and dead-broker detection).
struct ForwarderSession: Equatable {
    enum Link: Equatable {
        case closed
        /// The transport is connecting.
        case opening
        /// CONNECT sent.
        case awaitingConnack
        /// The input session only: CONNACK received and SUBSCRIBE sent; inputs may already arrive (redelivered).
        case subscribing
        /// CONNACK received (and SUBACK, on the input session).
        case established
    }

    var link: Link = .closed
    var lastSent: Int64 = 0
    var lastReceived: Int64 = 0

    /// CONNACK received: only now may anything but CONNECT be written, or an input be received.
    var isConnected: Bool { link == .subscribing || link == .established }
    /// The transport is connected, so there is something to read.
    var isOpen: Bool { link != .closed && link != .opening }
}
