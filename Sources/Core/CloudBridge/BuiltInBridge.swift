import Glibc
import TedgeDurableStore
import TedgeHTTPProxy
import TedgeMQTTSession
import TedgeProviderAPI
import TedgeSystem

/// `mqtt.bridge.built_in = true`: the mapper's third session, to the cloud. Cloud-bound messages (the converter's
/// outputs and what applications publish under an outbound rule) go into the durable store, appended once per
/// loop iteration and synced before their inputs are acknowledged to the local broker (`ForwarderCloudSink`);
/// the cloud session (`CloudSessionDriver`) sends from the store in order and removes on the cloud's PUBACK;
/// inbound messages reach the local broker through the forwarder's output session and are acknowledged to the
/// cloud after the local PUBACK. One poll loop serves the three sessions.
public final class BuiltInBridge {
    public let status: BridgeStatus
    private let settings: BridgeSettings
    private let store: DurableStore
    private let log: (String) -> Void
    private var cloud: CloudSessionDriver!
    private weak var forwarder: MessageForwarder?
    private var localReady = false
    private var reportedUp: Bool?
    private var lastMetrics: String?
    private var nextMetricsAt: Int64 = 0
    /// Inbound copies on topics bridged both ways, so the mapper does not send them back to the cloud.
    private var echoes: [(topic: String, payload: [UInt8])] = []

    /// How often the store's figures are published while they change.
    static let metricsIntervalMilliseconds: Int64 = 3_000

    public init(provider: any CloudProvider, config: TedgeConfig, log: @escaping (String) -> Void) throws {
        settings = try BridgeSettings(provider: provider, config: config, environment: HTTPProxy.currentEnvironment())
        status = BridgeStatus(cloudID: provider.topicPrefix)
        self.log = log
        // Start-up's phases each run code the next does not (here OpenSSL's set-up and the certificate's parsing,
        // then SQLite's open and check): given back between them, so that their pages are not resident at once.
        ResidentMemory.releaseCodePages()
        try FileSystem.createDirectories(FileSystem.directory(of: settings.storeFile))
        store = try DurableStore(
            path: settings.storeFile,
            limits: DurableStoreLimits(maxSizeBytes: settings.limits.maxSizeBytes, maxAgeSeconds: settings.limits.maxAgeSeconds))
        ResidentMemory.releaseCodePages()
        let report = store.openReport
        if let recovery = report.recovery { log("bridge: \(recovery.description)") }
        if !report.drops.dropped.isZero || !report.drops.expired.isZero {
            log("bridge: dropped \(report.drops.dropped.messages) messages over max_size and \(report.drops.expired.messages) over max_age at start")
        }
        log(
            "bridge: store \(settings.storeFile) holds \(report.queued.messages) messages for the cloud; connecting to \(settings.session.endpoint)"
                + (settings.endpoint.proxy.map { " through the proxy \($0.host):\($0.port)" } ?? ""))
        let endpoint = settings.endpoint
        cloud = CloudSessionDriver(
            configuration: settings.session, connector: { TLSTransport(endpoint) }, outbox: StoreOutbox(store),
            forward: { [unowned self] message, token in self.forwardInbound(message, token: token) },
            statusChanged: { [unowned self] connected in
                self.log("bridge: cloud \(connected ? "connected" : "disconnected")")
                self.nextMetricsAt = 0
            },
            log: { log("bridge: \($0)") })
    }

    /// Local topic filters the mapper subscribes to on the cloud's behalf.
    public var localSubscriptions: [String] { settings.rules.localFilters }

    /// The bridge's will on the local output session: health `down` if the mapper dies.
    public var will: MQTTMessage { status.health(up: false) }

    /// What the forwarder does with an input on a cloud topic: forward it as it is (it becomes a stored output),
    /// or nothing for an echo of an inbound message.
    public func passThrough(_ message: MQTTMessage) -> [MQTTMessage]? {
        guard settings.rules.isOutbound(message.topic) else { return nil }
        if let index = echoes.firstIndex(where: { $0.topic == message.topic && $0.payload == message.payload }) {
            echoes.remove(at: index)
            return []
        }
        return [message]
    }

    public var sink: ForwarderCloudSink {
        ForwarderCloudSink(
            route: { [unowned self] in self.settings.rules.outboundMessage($0) },
            append: { [unowned self] batch in
                do {
                    let outcome = try self.store.append(batch)
                    let drops = outcome.drops
                    if !drops.dropped.isZero || !drops.expired.isZero {
                        self.log("bridge: store full or old: dropped \(drops.dropped.messages) oldest messages, \(drops.expired.messages) expired")
                    }
                } catch { return "\(error)" }
                self.cloud.storeAppended()
                return nil
            },
            delivered: { [unowned self] token in self.cloud.localDelivered(token: token) })
    }

    /// The final messages the drain publishes beside the mapper's own: the bridge is down.
    public var finalMessages: [MQTTMessage] { [status.health(up: false), status.metrics(store.metrics, cloudConnected: false)] }

    public var isCloudConnected: Bool { cloud.isConnected }

    /// The poll loop over the forwarder's two sessions, the cloud session and the stop signals; returns the
    /// forwarder's drain outcome after closing the cloud session.
    public func run(_ forwarder: MessageForwarder, stopSignals: SignalDescriptor, idle: () -> Void) -> DrainOutcome {
        self.forwarder = forwarder
        let clock = SystemMonotonicClock()
        while true {
            var descriptors = [pollfd(fd: stopSignals.fileDescriptor, events: Int16(POLLIN), revents: 0)]
            forwarder.appendPollDescriptors(to: &descriptors)
            cloud.appendPollDescriptors(to: &descriptors)
            let now = clock.milliseconds
            let deadline = min(forwarder.nextDeadline(after: now), cloud.nextDeadline(after: now), nextMetricsAt)
            _ = poll(&descriptors, nfds_t(descriptors.count), Int32(max(0, min(1_000, deadline - now))))
            if descriptors[0].revents != 0 { forwarder.handleStopSignals(stopSignals) }
            forwarder.step()
            if let outcome = forwarder.outcome {
                cloud.stop()
                return outcome
            }
            if forwarder.isReady != localReady {
                localReady = forwarder.isReady
                cloud.localReadyChanged(localReady)
            }
            cloud.step()
            publishStatus(now: clock.milliseconds)
            forwarder.flushWrites()
            idle()
        }
    }

    private func forwardInbound(_ message: MQTTMessage, token: Int) -> Bool {
        let local = settings.rules.inboundMessage(message)
        guard let forwarder, let local else {
            // Not under any inbound rule (the cloud sent what we did not subscribe to): acknowledge and drop.
            if local == nil { log("bridge: no inbound rule for \(message.topic); dropped") }
            cloud.localDelivered(token: token)
            return true
        }
        if settings.rules.isBidirectional(localTopic: local.topic) {
            echoes.append((local.topic, local.payload))
            if echoes.count > 256 { echoes.removeFirst() }
        }
        return forwarder.publishExternal(local, token: token)
    }

    /// Health on every change of "both halves connected", metrics every few seconds while they change.
    private func publishStatus(now: Int64) {
        guard let forwarder, forwarder.isReady else {
            // Published again on the next connection: the will may have said down, a broker restart lost them.
            reportedUp = nil
            lastMetrics = nil
            return
        }
        let up = cloud.isConnected
        if reportedUp != up {
            reportedUp = up
            forwarder.publishUntracked(status.health(up: up))
        }
        guard now >= nextMetricsAt else { return }
        nextMetricsAt = now + Self.metricsIntervalMilliseconds
        let metrics = status.metrics(store.metrics, cloudConnected: up, cloudError: up ? nil : cloud.lastFailure)
        let text = String(decoding: metrics.payload, as: UTF8.self)
        guard text != lastMetrics else { return }
        lastMetrics = text
        forwarder.publishUntracked(metrics)
    }

}
