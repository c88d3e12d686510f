/// A non-blocking byte stream to the broker. The forwarder polls `fileDescriptor` (when there is one) and then
/// reads and writes until the transport would block; the in-memory transport lets tests drive the same code.
public protocol MQTTTransport: AnyObject {
    /// The descriptor to poll, or -1 when the transport is not backed by one (tests).
    var fileDescriptor: Int32 { get }
    /// Completes a non-blocking connect; call again while `.inProgress` (poll for writability in between).
    func finishConnecting() -> TransportConnectProgress
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportReadResult
    func write(_ bytes: UnsafeRawBufferPointer) -> TransportWriteResult
    func close()
}

/// Opens a transport to host:port for one of the forwarder's sessions; failures are reported by the transport's
/// `finishConnecting()`.
public typealias MQTTTransportConnector = (_ host: String, _ port: UInt16, _ session: MQTTSessionRole)
    -> any MQTTTransport
