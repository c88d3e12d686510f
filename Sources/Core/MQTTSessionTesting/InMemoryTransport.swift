import TedgeMQTTSession

/// Both ends of an in-memory connection, for tests (the idea of SwiftNIO's EmbeddedChannel): the forwarder
/// gets `client`, the test script plays the broker on `peer`. Nothing blocks and nothing needs polling.
public final class InMemoryTransport: MQTTTransport {
    /// The bytes in flight in each direction, shared by the two ends.
    private final class Pipe {
        var towardClient: [UInt8] = []
        var towardPeer: [UInt8] = []
        var closed = false
    }

    private let pipe: Pipe
    private let isClient: Bool
    /// What the client's connect reports; a test sets `.failed` to script a refused connection.
    public var connectProgress: TransportConnectProgress = .connected
    /// How many times `read` was called: a test asserts that a paused connection is not read at all.
    public private(set) var readCalls = 0

    private init(pipe: Pipe, isClient: Bool) {
        self.pipe = pipe
        self.isClient = isClient
    }

    public static func makePair() -> (client: InMemoryTransport, peer: InMemoryTransport) {
        let pipe = Pipe()
        return (InMemoryTransport(pipe: pipe, isClient: true), InMemoryTransport(pipe: pipe, isClient: false))
    }

    public var fileDescriptor: Int32 { -1 }
    public var isClosed: Bool { pipe.closed }

    public func finishConnecting() -> TransportConnectProgress { connectProgress }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportReadResult {
        readCalls += 1
        let available = isClient ? pipe.towardClient : pipe.towardPeer
        guard !available.isEmpty else { return pipe.closed ? .endOfStream : .wouldBlock }
        let count = min(available.count, buffer.count)
        available.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<count]))
        }
        if isClient { pipe.towardClient.removeFirst(count) } else { pipe.towardPeer.removeFirst(count) }
        return .bytes(count)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> TransportWriteResult {
        guard !pipe.closed else { return .failed("closed") }
        if isClient { pipe.towardPeer.append(contentsOf: bytes) } else { pipe.towardClient.append(contentsOf: bytes) }
        return .wrote(bytes.count)
    }

    /// Everything the other end has written and this end has not read yet.
    public func readAll() -> [UInt8] {
        defer { if isClient { pipe.towardClient.removeAll() } else { pipe.towardPeer.removeAll() } }
        return isClient ? pipe.towardClient : pipe.towardPeer
    }

    public func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = write($0) }
    }

    public func close() { pipe.closed = true }
}
