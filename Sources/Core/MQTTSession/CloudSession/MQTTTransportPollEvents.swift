/// A transport whose connect needs more than writability (a TLS handshake waits for the server's answer): the
/// poll events to wait for while it is connecting.
public protocol MQTTTransportPollEvents {
    var pollEventsWhileConnecting: Int16 { get }
}
