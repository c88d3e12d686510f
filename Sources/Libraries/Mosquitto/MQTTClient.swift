import CTedgeMosquitto
import Dispatch
import Glibc
import Synchronization
import TedgeMessaging

/// An MQTT 3.1.1 client over libmosquitto: the one owner of a `struct mosquitto`.
///
/// libmosquitto runs its network loop on its own thread (`mosquitto_loop_start`); its callbacks
/// reach this object through the userdata pointer and are turned into async Swift: incoming
/// messages on `messages`, connection changes on `events`, and awaitable CONNACK / delivery.
/// Never make the consumer of `messages` wait for a delivery on the same client: when its buffer
/// is full the network thread waits for the consumer and cannot read the acknowledgement.
/// Subscriptions are remembered and renewed on every CONNACK, so a broker restart is survived.
public final class MQTTClient: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var clientID: String
        public var cleanSession: Bool
        public var keepAliveSeconds: Int
        public var will: MQTTMessage?
        /// How many QoS 1/2 messages may be unacknowledged at once.
        public var maxInflightMessages: Int
        public var reconnectDelaySeconds: (minimum: Int, maximum: Int)
        /// Received messages held for the consumer before the network thread waits for it.
        public var maxBufferedMessages: Int
        public var username: String? = nil
        /// Mutual TLS to a cloud endpoint (provisioning); nil for the plain loopback brokers.
        public var tls: TLSSettings? = nil

        public init(
            host: String = "localhost", port: Int = 1883, clientID: String, cleanSession: Bool = true,
            keepAliveSeconds: Int = 60, will: MQTTMessage? = nil, maxInflightMessages: Int = 20,
            reconnectDelaySeconds: (minimum: Int, maximum: Int) = (1, 5), maxBufferedMessages: Int = 1_000
        ) {
            self.host = host
            self.port = port
            self.clientID = clientID
            self.cleanSession = cleanSession
            self.keepAliveSeconds = keepAliveSeconds
            self.will = will
            self.maxInflightMessages = maxInflightMessages
            self.reconnectDelaySeconds = reconnectDelaySeconds
            self.maxBufferedMessages = maxBufferedMessages
        }
    }

    /// The server is verified with `rootCertificatePath` (a CA file, or a directory of hashed CAs
    /// such as /etc/ssl/certs) and its host name; the client presents its certificate and key.
    public struct TLSSettings: Sendable {
        public var rootCertificatePath: String
        public var rootCertificateIsDirectory: Bool
        public var certificatePath: String
        public var keyPath: String

        public init(rootCertificatePath: String, rootCertificateIsDirectory: Bool, certificatePath: String, keyPath: String) {
            self.rootCertificatePath = rootCertificatePath
            self.rootCertificateIsDirectory = rootCertificateIsDirectory
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    public enum Event: Sendable, Equatable {
        case connected(sessionPresent: Bool)
        case disconnected
    }

    public let configuration: Configuration
    public let messages: MQTTMessageStream
    public let events: AsyncStream<Event>

    private let handle: OpaquePointer
    private let messageSink: AsyncStream<MQTTMessage>.Continuation
    private let eventSink: AsyncStream<Event>.Continuation
    private let state = WaitableState(State())
    private var loopRunning = false
    private let slots: DispatchSemaphore
    private let closing = Atomic<Bool>(false)

    private static let libraryReady: Int32 = mosquitto_lib_init()

    public init(_ configuration: Configuration) throws {
        _ = Self.libraryReady
        self.configuration = configuration
        let (stream, sink) = AsyncStream.makeStream(of: MQTTMessage.self, bufferingPolicy: .unbounded)
        // Created at 0 and raised to the capacity: libdispatch traps when a semaphore is freed below
        // its initial value, which a client released with unread messages would otherwise be.
        slots = DispatchSemaphore(value: 0)
        for _ in 0..<max(1, configuration.maxBufferedMessages) { slots.signal() }
        messages = MQTTMessageStream(base: stream, slots: slots)
        messageSink = sink
        (events, eventSink) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanSession, nil) else {
            throw MQTTError.protocolError("cannot create an MQTT client (\(String(cString: strerror(errno))))")
        }
        self.handle = handle
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        _ = mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311)
        _ = mosquitto_max_inflight_messages_set(handle, UInt32(configuration.maxInflightMessages))
        _ = mosquitto_reconnect_delay_set(
            handle, UInt32(configuration.reconnectDelaySeconds.minimum),
            UInt32(configuration.reconnectDelaySeconds.maximum), true)
        if let will = configuration.will {
            let rc = will.payload.withUnsafeBytes {
                mosquitto_will_set(handle, will.topic, Int32($0.count), $0.baseAddress, will.qos.rawValue, will.retain)
            }
            guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw Self.error(rc) }
        }
        if let username = configuration.username {
            let rc = mosquitto_username_pw_set(handle, username, nil)
            guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw Self.error(rc) }
        }
        if let tls = configuration.tls {
            let rc = mosquitto_tls_set(
                handle, tls.rootCertificateIsDirectory ? nil : tls.rootCertificatePath,
                tls.rootCertificateIsDirectory ? tls.rootCertificatePath : nil,
                tls.certificatePath, tls.keyPath, nil)
            guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw Self.error(rc) }
            // The bridge's floor too: nothing older than TLS 1.2.
            _ = mosquitto_tls_opts_set(handle, 1, "tlsv1.2", nil)
        }
        installCallbacks()
    }

    deinit {
        if loopRunning {
            releaseNetworkThread()
            mosquitto_disconnect(handle)
            mosquitto_loop_stop(handle, false)
        }
        mosquitto_destroy(handle)
        messageSink.finish()
        eventSink.finish()
    }

    // MARK: connecting

    /// Connects now and fails at once when the broker cannot be reached; reconnects by itself afterwards.
    public func connect() throws {
        let rc = mosquitto_connect(handle, configuration.host, Int32(configuration.port), Int32(configuration.keepAliveSeconds))
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw Self.error(rc) }
        try startLoop()
    }

    /// Starts connecting in the background and keeps trying until the broker answers (daemons use this).
    public func start() throws {
        _ = mosquitto_connect_async(handle, configuration.host, Int32(configuration.port), Int32(configuration.keepAliveSeconds))
        try startLoop()
    }

    private func startLoop() throws {
        let rc = mosquitto_loop_start(handle)
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw Self.error(rc) }
        loopRunning = true
    }

    /// Waits for the broker's CONNACK.
    public func waitUntilConnected(timeout: Duration) async throws {
        try await wait(for: .connection, timeout: timeout, what: "the MQTT broker to accept the connection")
    }

    /// Sends DISCONNECT (so no will is published), stops the network thread and ends `messages`.
    public func disconnect() {
        guard loopRunning else { return }
        releaseNetworkThread()
        mosquitto_disconnect(handle)
        mosquitto_loop_stop(handle, false)
        loopRunning = false
        state.update { $0.connected = false }
        messageSink.finish()
        eventSink.finish()
    }

    // MARK: subscribing and publishing

    /// Subscribes now if connected, and again after every reconnection.
    public func subscribe(_ filter: String, qos: MQTTQoS) throws {
        try state.update { (state) throws(MQTTError) in
            state.subscriptions.append((filter, qos))
            if state.connected {
                var mid: Int32 = 0
                let rc = mosquitto_subscribe(handle, &mid, filter, qos.rawValue)
                guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw Self.error(rc) }
                state.pendingSubscriptions.insert(mid)
            }
        }
    }

    /// Waits until the broker has acknowledged every subscription made so far.
    public func waitUntilSubscribed(timeout: Duration) async throws {
        try await waitUntilConnected(timeout: timeout)
        try await wait(for: .subscriptions, timeout: timeout, what: "the broker to acknowledge the subscription")
    }

    /// Queues a message; returns its message id, which `waitForDelivery` accepts.
    @discardableResult
    public func publish(_ message: MQTTMessage) throws -> Int32 {
        try state.update { (state) throws(MQTTError) in
            var mid: Int32 = 0
            let rc = message.payload.withUnsafeBytes {
                mosquitto_publish(
                    handle, &mid, message.topic, Int32($0.count), $0.baseAddress, message.qos.rawValue, message.retain)
            }
            guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw Self.error(rc) }
            state.inFlight.insert(mid)
            return mid
        }
    }

    /// Waits until a message is sent (QoS 0), PUBACKed (QoS 1) or PUBCOMPed (QoS 2).
    public func waitForDelivery(of mid: Int32, timeout: Duration) async throws {
        try await wait(for: .delivery(mid), timeout: timeout, what: "the broker to acknowledge the message")
    }

    // MARK: waiting

    private enum Condition: Hashable {
        case connection
        case subscriptions
        case delivery(Int32)
    }

    private struct State {
        var connected = false
        var refusal: MQTTError?
        var subscriptions: [(String, MQTTQoS)] = []
        var pendingSubscriptions: Set<Int32> = []
        var inFlight: Set<Int32> = []

        /// Whether `condition` holds (or, for the connection, has been refused); nil while it may still come.
        func answer(_ condition: Condition) -> Result<Void, MQTTError>? {
            switch condition {
            case .connection:
                if connected { return .success(()) }
                return refusal.map { .failure($0) }
            case .subscriptions: return connected && pendingSubscriptions.isEmpty ? .success(()) : nil
            case .delivery(let mid): return inFlight.contains(mid) ? nil : .success(())
            }
        }
    }

    private func wait(for condition: Condition, timeout: Duration, what: String) async throws {
        guard let answer = await state.wait(timeout: timeout, for: { $0.answer(condition) }) else {
            throw MQTTError.timeout(what)
        }
        try answer.get()
    }

    // MARK: callbacks from the network thread

    private static func client(_ userdata: UnsafeMutableRawPointer?) -> MQTTClient? {
        userdata.map { Unmanaged<MQTTClient>.fromOpaque($0).takeUnretainedValue() }
    }

    private func installCallbacks() {
        mosquitto_connect_with_flags_callback_set(handle) { _, userdata, rc, flags in
            MQTTClient.client(userdata)?.didConnect(rc: rc, sessionPresent: flags & 1 == 1)
        }
        mosquitto_disconnect_callback_set(handle) { _, userdata, _ in
            MQTTClient.client(userdata)?.didDisconnect()
        }
        mosquitto_publish_callback_set(handle) { _, userdata, mid in
            MQTTClient.client(userdata)?.didDeliver(mid: mid)
        }
        mosquitto_subscribe_callback_set(handle) { _, userdata, mid, _, _ in
            MQTTClient.client(userdata)?.didSubscribe(mid: mid)
        }
        mosquitto_message_callback_set(handle) { _, userdata, message in
            guard let client = MQTTClient.client(userdata), let message else { return }
            client.didReceive(message.pointee)
        }
    }

    private func didConnect(rc: Int32, sessionPresent: Bool) {
        guard rc == 0 else {
            state.update { $0.refusal = MQTTError.refused(String(cString: mosquitto_connack_string(rc))) }
            return
        }
        state.update { state in
            state.connected = true
            state.refusal = nil
            state.pendingSubscriptions.removeAll()
            for (filter, qos) in state.subscriptions {
                var mid: Int32 = 0
                if mosquitto_subscribe(handle, &mid, filter, qos.rawValue) == MOSQ_ERR_SUCCESS.rawValue {
                    state.pendingSubscriptions.insert(mid)
                }
            }
        }
        eventSink.yield(.connected(sessionPresent: sessionPresent))
    }

    private func didDisconnect() {
        state.update { $0.connected = false }
        eventSink.yield(.disconnected)
    }

    private func didDeliver(mid: Int32) { state.update { _ = $0.inFlight.remove(mid) } }

    private func didSubscribe(mid: Int32) { state.update { _ = $0.pendingSubscriptions.remove(mid) } }

    /// From now on incoming messages are dropped, and a network thread waiting for the consumer goes on.
    private func releaseNetworkThread() {
        closing.store(true, ordering: .sequentiallyConsistent)
        slots.signal()
    }

    private func didReceive(_ message: mosquitto_message) {
        guard !closing.load(ordering: .sequentiallyConsistent) else { return }
        slots.wait()
        guard !closing.load(ordering: .sequentiallyConsistent) else { return }
        let topic = String(cString: message.topic)
        let length = Int(message.payloadlen)
        let payload: [UInt8] =
            length > 0 && message.payload != nil
            ? Array(UnsafeRawBufferPointer(start: message.payload, count: length))
            : []
        messageSink.yield(
            MQTTMessage(
                topic: topic, payload: payload,
                qos: MQTTQoS(rawValue: message.qos) ?? .atMostOnce, retain: message.retain))
    }

    // MARK: errors

    private static func error(_ rc: Int32) -> MQTTError {
        if rc == MOSQ_ERR_ERRNO.rawValue {
            let code = errno
            return .connection("I/O: \(String(cString: strerror(code))) (os error \(code))")
        }
        if rc == MOSQ_ERR_NO_CONN.rawValue || rc == MOSQ_ERR_CONN_LOST.rawValue { return .disconnected }
        if rc == MOSQ_ERR_EAI.rawValue { return .connection("cannot resolve the broker's host name") }
        return .protocolError(String(cString: mosquitto_strerror(rc)))
    }
}
