import Glibc

/// A plain TCP connection (the local broker, over loopback): non-blocking, TCP_NODELAY because the session
/// coalesces its own writes and an acknowledgement held back by Nagle would stall the in-flight window.
public final class TCPTransport: MQTTTransport {
    public private(set) var fileDescriptor: Int32 = -1
    /// Addresses still to try, so "localhost" works whether the broker listens on 127.0.0.1 or ::1.
    private var candidates: [SocketAddress]
    private var progress: TransportConnectProgress = .inProgress
    private var lastFailure = "no address"

    private struct SocketAddress {
        var family: Int32
        var storage: sockaddr_storage
        var length: socklen_t
    }

    public init(host: String, port: UInt16) {
        candidates = TCPTransport.resolve(host: host, port: port)
        if candidates.isEmpty {
            progress = .failed("cannot resolve \(host)")
        } else {
            startNextCandidate()
        }
    }

    /// The connector the forwarder uses by default.
    public static func connect(host: String, port: UInt16) -> any MQTTTransport {
        TCPTransport(host: host, port: port)
    }

    public func finishConnecting() -> TransportConnectProgress {
        guard case .inProgress = progress else { return progress }
        var pollDescriptor = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&pollDescriptor, 1, 0) > 0 else { return .inProgress }
        var socketError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fileDescriptor, SOL_SOCKET, SO_ERROR, &socketError, &length) != 0 { socketError = errno }
        if socketError == 0 {
            progress = .connected
        } else {
            lastFailure = SystemErrorText.describe(socketError)
            startNextCandidate()
        }
        return progress
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportReadResult {
        let count = recv(fileDescriptor, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .bytes(count) }
        if count == 0 { return .endOfStream }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .wouldBlock }
        return .failed(SystemErrorText.describe(errno))
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> TransportWriteResult {
        // MSG_NOSIGNAL: a broker that went away must be an error to handle, not a SIGPIPE that kills the mapper.
        let count = send(fileDescriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        if count >= 0 { return .wrote(count) }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .wouldBlock }
        return .failed(SystemErrorText.describe(errno))
    }

    public func close() {
        if fileDescriptor >= 0 { _ = Glibc.close(fileDescriptor) }
        fileDescriptor = -1
        if case .inProgress = progress { progress = .failed("closed") }
    }

    deinit { close() }

    private func startNextCandidate() {
        if fileDescriptor >= 0 { _ = Glibc.close(fileDescriptor) }
        fileDescriptor = -1
        while !candidates.isEmpty {
            var address = candidates.removeFirst()
            let descriptor = socket(
                address.family,
                Int32(
                    SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue
                        | SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else {
                lastFailure = SystemErrorText.describe(errno)
                continue
            }
            var enabled: Int32 = 1
            _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enabled, socklen_t(MemoryLayout<Int32>.size))
            let result = withUnsafePointer(to: &address.storage) { storage in
                storage.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, address.length)
                }
            }
            if result == 0 || errno == EINPROGRESS {
                fileDescriptor = descriptor
                progress = result == 0 ? .connected : .inProgress
                return
            }
            lastFailure = SystemErrorText.describe(errno)
            _ = Glibc.close(descriptor)
        }
        progress = .failed(lastFailure)
    }

    private static func resolve(host: String, port: UInt16) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry = list
        while let current = entry {
            if let source = current.pointee.ai_addr {
                var storage = sockaddr_storage()
                let length = min(Int(current.pointee.ai_addrlen), MemoryLayout<sockaddr_storage>.size)
                withUnsafeMutableBytes(of: &storage) { target in
                    target.copyMemory(from: UnsafeRawBufferPointer(start: source, count: length))
                }
                addresses.append(
                    SocketAddress(
                        family: current.pointee.ai_family, storage: storage,
                        length: socklen_t(length)))
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }
}
