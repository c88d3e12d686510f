import TedgeMessaging

/// Messages the state machine needs from the caller (a conversion, an error report, the ready or the final
/// messages), answered with `ForwarderStateMachine.produced(_:for:now:)` and this `id`. An answer for a session
/// that has been dropped meanwhile is ignored: its input is redelivered and converted again.
struct ForwarderOutputRequest: Equatable {
    enum Kind: Equatable {
        /// The outputs converted from an input.
        case convert(MQTTMessage)
        /// What an input too large to receive becomes (its topic, the payload bytes not received).
        case reportOversizedInput(topic: String, payloadBytes: Int)
        /// The messages that say the forwarder is up, on every connection.
        case readyMessages
        /// The messages published at the end of the drain, before DISCONNECT.
        case finalMessages
    }

    let id: Int
    let kind: Kind
}
