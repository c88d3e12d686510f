import TedgeProviderAPI

/// `tedge-mosquitto.conf`: the local listener (and the optional external one) that the broker
/// includes from `<config-dir>/mosquitto-conf/`.
public struct MosquittoLocalConfig: Sendable, Equatable {
    public var port: Int
    /// nil: `localhost`, as thin-edge writes it.
    public var bindAddress: String?
    public var externalPort: Int?
    public var externalBindAddress: String?
    public var externalBindInterface: String?
    public var externalCAPath: String?
    public var externalCertFile: String?
    public var externalKeyFile: String?
    /// Store and forward: when set, persistence on and this many messages queued per offline client.
    public var maxQueuedMessages: Int?

    public init(
        port: Int, bindAddress: String? = nil, externalPort: Int? = nil, externalBindAddress: String? = nil,
        externalBindInterface: String? = nil, externalCAPath: String? = nil, externalCertFile: String? = nil,
        externalKeyFile: String? = nil
    ) {
        self.port = port
        self.bindAddress = bindAddress
        self.externalPort = externalPort
        self.externalBindAddress = externalBindAddress
        self.externalBindInterface = externalBindInterface
        self.externalCAPath = externalCAPath
        self.externalCertFile = externalCertFile
        self.externalKeyFile = externalKeyFile
    }

    public init(config: TedgeConfig) {
        func value(_ key: ConfigKey) -> String? { config.value(of: key) }
        self.init(
            port: config.mqttPort,
            bindAddress: config.storedValue(of: CoreConfigKeys.mqttBindAddress)?.description,
            externalPort: config.integer(CoreConfigKeys.externalPort),
            externalBindAddress: value(CoreConfigKeys.externalBindAddress),
            externalBindInterface: value(CoreConfigKeys.externalBindInterface),
            externalCAPath: value(CoreConfigKeys.externalCAPath),
            externalCertFile: value(CoreConfigKeys.externalCertFile),
            externalKeyFile: value(CoreConfigKeys.externalKeyFile))
        maxQueuedMessages = config.integer(CoreConfigKeys.maxQueuedMessages)
    }

    public static let fileName = "tedge-mosquitto.conf"

    public func render() -> String {
        lines().joined(separator: "\n") + "\n"
    }

    /// `render`, refused when a setting holds a control character (see `BridgeDescription.checkedRender`).
    public func checkedRender() throws(TedgeError) -> String {
        for line in lines() {
            try ControlCharacters.refuse(in: line, what: "The mosquitto setting `\(ControlCharacters.escaped(line))`")
        }
        return render()
    }

    private func lines() -> [String] {
        var lines = [
            "per_listener_settings true",
            "connection_messages true",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "log_type subscribe",
            "log_type unsubscribe",
            "message_size_limit 268435455",
            "listener \(port) \(bindAddress ?? "localhost")",
            "allow_anonymous true",
            "require_certificate false",
        ]
        if let externalPort {
            lines.append("listener \(externalPort) \(externalBindAddress ?? "")".trimmingTrailingSpaces())
            let certificatesRequired = externalCAPath != nil
            lines.append("allow_anonymous \(!certificatesRequired)")
            lines.append("require_certificate \(certificatesRequired)")
            if let externalBindInterface { lines.append("bind_interface \(externalBindInterface)") }
            if let externalCAPath { lines.append("capath \(externalCAPath)") }
            if let externalCertFile { lines.append("certfile \(externalCertFile)") }
            if let externalKeyFile { lines.append("keyfile \(externalKeyFile)") }
        }
        if let maxQueuedMessages {
            // Messages for an offline bridge or mapper survive a broker restart, and a day of telemetry fits.
            lines += [
                "persistence true", "autosave_interval 60", "max_queued_messages \(maxQueuedMessages)", "max_queued_bytes 0",
            ]
        }
        return lines
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.hasSuffix(" ") { copy.removeLast() }
        return copy
    }
}
