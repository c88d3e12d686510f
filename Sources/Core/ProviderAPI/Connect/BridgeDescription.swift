/// A mosquitto bridge as pure data. Core renders it with `render(rootCertificateIsDirectory:)`.
public struct BridgeDescription: Sendable, Equatable {
    public var connection: String
    public var address: HostAndPort
    public var remoteUsername: String?
    public var rootCertificatePath: String
    public var remoteClientID: String
    public var localClientID: String
    public var certificatePath: String
    public var keyPath: String
    public var tryPrivate = false
    public var startType = "automatic"
    public var cleanSession: Bool
    public var notifications = false
    /// With `notifications`: publish the bridge's state (`1` connected, `0` not, retained) on the local broker only,
    /// on this topic (thin-edge 1.x: `te/device/main/service/mosquitto-<cloud>-bridge/status/health`).
    public var notificationsLocalOnly = false
    public var notificationTopic: String?
    public var attemptUnsubscribe = false
    /// `bridge_tls_version`: the oldest TLS the bridge accepts. TLS 1.2 for every cloud (Azure IoT Hub
    /// refuses older since 2025-08-31); thin-edge writes none and leaves it to mosquitto's default.
    public var minimumTLSVersion = "tlsv1.2"
    /// Extra bridge settings after the fixed ones, in order (e.g. `keepalive_interval`, `restart_timeout`).
    public var extraSettings: [(String, String)] = []
    /// Whether the cloud lets a device subscribe with `+` or `#`; when it does not, every inbound rule must name
    /// exact topics (the contract kit reports one that does not). Not rendered: a constraint, not a setting.
    public var cloudAcceptsWildcardSubscriptions = true
    public var topics: [BridgeTopic]

    public init(
        connection: String, address: HostAndPort, remoteUsername: String?, rootCertificatePath: String,
        remoteClientID: String, localClientID: String, certificatePath: String, keyPath: String,
        cleanSession: Bool, topics: [BridgeTopic]
    ) {
        self.connection = connection
        self.address = address
        self.remoteUsername = remoteUsername
        self.rootCertificatePath = rootCertificatePath
        self.remoteClientID = remoteClientID
        self.localClientID = localClientID
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.cleanSession = cleanSession
        self.topics = topics
    }

    public static func == (lhs: BridgeDescription, rhs: BridgeDescription) -> Bool {
        lhs.render(rootCertificateIsDirectory: false) == rhs.render(rootCertificateIsDirectory: false)
    }

    /// The bridge file, line for line in thin-edge's order. `bridge_capath` when the root
    /// certificate path is a directory, `bridge_cafile` when it is a file.
    public func render(rootCertificateIsDirectory: Bool) -> String {
        lines(rootCertificateIsDirectory: rootCertificateIsDirectory).joined(separator: "\n") + "\n"
    }

    /// What gets written to disk: `render`, refused when any setting holds a control character
    /// (a newline in a path would smuggle in a setting of its own). A second line of defence
    /// behind `tedge config set`, for values that reached tedge.toml by hand.
    public func checkedRender(rootCertificateIsDirectory: Bool) throws(TedgeError) -> String {
        for line in lines(rootCertificateIsDirectory: rootCertificateIsDirectory) {
            try ControlCharacters.refuse(in: line, what: "The bridge setting `\(ControlCharacters.escaped(line))`")
        }
        return render(rootCertificateIsDirectory: rootCertificateIsDirectory)
    }

    private func lines(rootCertificateIsDirectory: Bool) -> [String] {
        var lines = ["### Bridge", "connection \(connection)"]
        if let remoteUsername { lines.append("remote_username \(remoteUsername)") }
        lines.append("address \(address)")
        lines.append((rootCertificateIsDirectory ? "bridge_capath " : "bridge_cafile ") + rootCertificatePath)
        lines += [
            "remote_clientid \(remoteClientID)",
            "local_clientid \(localClientID)",
            "bridge_certfile \(certificatePath)",
            "bridge_keyfile \(keyPath)",
            "try_private \(tryPrivate)",
            "start_type \(startType)",
            "cleansession \(cleanSession)",
            "notifications \(notifications)",
        ]
        if notifications && notificationsLocalOnly { lines.append("notifications_local_only true") }
        if notifications, let notificationTopic { lines.append("notification_topic \(notificationTopic)") }
        lines += [
            "bridge_attempt_unsubscribe \(attemptUnsubscribe)",
            "bridge_tls_version \(minimumTLSVersion)",
        ]
        lines += extraSettings.map { "\($0.0) \($0.1)" }
        lines += ["", "### Topics"]
        lines += topics.map(\.line)
        return lines
    }
}
