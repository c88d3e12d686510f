import TedgeMessaging

/// What `CloudSessionStateMachine` asks its driver to do, in the order it asks.
public enum CloudSessionAction: Equatable {
    /// Open the transport (TLS, through a proxy when configured), then report `connectionOpened` or `connectionFailed`.
    case openConnection
    case write(MQTTPacket)
    /// Write what is buffered now, as far as it goes: the connection is closed next.
    case flush
    case closeConnection
    /// Read up to `limit` stored messages after `sequence`, oldest first, and report `fetched`.
    case fetch(after: Int64, limit: Int)
    /// The cloud acknowledged everything up to `sequence`: remove it from the store.
    case remove(upTo: Int64)
    /// Publish an inbound message on the local broker and report `localDelivered(token)` after its PUBACK.
    case forwardInbound(MQTTMessage, token: Int)
    /// The cloud session became usable (CONNACK and SUBACK) or stopped being so.
    case cloudStatusChanged(connected: Bool)
    case log(String)
}
