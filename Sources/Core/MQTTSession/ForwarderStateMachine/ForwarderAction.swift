import TedgeMessaging

/// What `ForwarderStateMachine` asks its driver to do, in the order it asks.
enum ForwarderAction: Equatable {
    /// Open a transport for each session, then report `connectionOpened` or `connectionFailed` for each.
    case openConnections
    /// Append the packet to the session's write buffer; report `writeRejected` when it cannot be encoded.
    case write(MQTTPacket, to: MQTTSessionRole)
    /// Write what the session has buffered now, as far as it goes: the connections are closed next.
    case flush(MQTTSessionRole)
    /// Close both transports, dropping what they still had buffered.
    case closeConnections
    /// Ask the caller's closures for messages and answer with `produced(_:for:now:)`.
    case produce(ForwarderOutputRequest)
    /// Append these cloud-bound messages to the durable store (synced when it returns), then report
    /// `stored(batch:now:)`, or `storeFailed(batch:reason:now:)`.
    case appendToStore(batch: Int, [MQTTMessage])
    /// The local broker acknowledged an external message (`publishExternal`).
    case externalDelivered(token: Int)
    case log(String)
}
