import TedgeHTTPProxy
import TedgeMQTTSession
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeSystem

/// Everything the built-in bridge needs, resolved from the configuration and the provider's `BridgeDescription`
/// (the description the mosquitto bridge file renders: one description, two renderings).
struct BridgeSettings {
    let rules: BridgeRules
    let session: CloudSessionConfiguration
    let endpoint: TLSTransport.Endpoint
    let storeFile: String
    let limits: (maxSizeBytes: Int, maxAgeSeconds: Int?)

    init(provider: any CloudProvider, config: TedgeConfig, environment: [String: String]) throws {
        guard let url = config.value(of: provider.urlKey) else {
            throw TedgeError(
                "A value for `\(provider.urlKey.name)` is missing.\n    A value can be set with `tedge config set \(provider.urlKey.name) <value>`"
            )
        }
        let cloud = try HostAndPort(parsing: url, defaultPort: 8883)
        // A user-defined cloud may have a certificate, key and client id of its own (`[device]` in its mapper.toml).
        let (certificatePath, keyPath) = provider.deviceCertificatePaths(config)
        let deviceID: String
        if let configured = provider.configuredDeviceID(config) {
            deviceID = configured
        } else {
            do {
                deviceID = try Certificate(pem: FileSystem.readText(certificatePath)).subject.commonName ?? ""
            } catch {
                throw CausedError("Cannot read the device id from the certificate \(certificatePath)", underlying: error)
            }
        }
        let context = ConnectionContext(
            deviceID: deviceID, cloud: cloud,
            rootCertificatePath: config.value(of: provider.rootCertificateKey) ?? ConfigKey.systemCertificates,
            certificatePath: certificatePath, keyPath: keyPath, config: config)
        let description = provider.bridge(context)
        rules = BridgeRules(description.topics)

        let keepAlive = description.extraSettings.first { $0.0 == "keepalive_interval" }.flatMap { UInt16($0.1) } ?? 60
        func milliseconds(_ key: ConfigKey) -> Int64 { config.value(of: key).flatMap(DurationText.milliseconds) ?? 0 }
        session = CloudSessionConfiguration(
            endpoint: "\(description.address.host):\(description.address.port)", clientID: description.remoteClientID,
            username: description.remoteUsername, cleanSession: description.cleanSession, keepAliveSeconds: keepAlive,
            subscriptions: rules.cloudSubscriptions,
            reconnect: CloudReconnectPolicy(
                initialMilliseconds: milliseconds(BridgeConfigKeys.reconnectInitial),
                maximumMilliseconds: milliseconds(BridgeConfigKeys.reconnectMaximum),
                resetWindowMilliseconds: milliseconds(BridgeConfigKeys.reconnectResetWindow)))

        let root = description.rootCertificatePath
        let rootIsDirectory = FileSystem.isDirectory(root)
        endpoint = TLSTransport.Endpoint(
            host: description.address.host, port: UInt16(clamping: description.address.port),
            caFile: rootIsDirectory ? nil : root, caDirectory: rootIsDirectory ? root : nil,
            certificateFile: description.certificatePath, keyFile: description.keyPath,
            proxy: try Self.proxy(for: description.address.host, config: config, environment: environment))

        storeFile = FileSystem.join(
            config.value(of: BridgeConfigKeys.storePath) ?? "/var/lib/tedge/bridge", "\(provider.connectionName).db")
        let maxAge = config.value(of: BridgeConfigKeys.storeMaxAge).flatMap(DurationText.milliseconds).map { Int($0 / 1000) }
        limits = (config.integer(BridgeConfigKeys.storeMaxSize) ?? 64 << 20, maxAge.flatMap { $0 > 0 ? $0 : nil })
    }

    /// `proxy.address` (with `proxy.username`/`proxy.password`, excluded by `proxy.no_proxy`), else `HTTPS_PROXY`
    /// (excluded by `NO_PROXY`), as the HTTPS client reads them.
    static func proxy(for host: String, config: TedgeConfig, environment: [String: String]) throws -> ProxyTunnel? {
        let configured = config.value(of: ProxyConfigKeys.address)
        if let configured, HTTPProxy.isExcluded(host, by: config.value(of: ProxyConfigKeys.noProxy) ?? "") { return nil }
        guard let url = configured ?? HTTPProxy.environmentURL(for: host, in: environment), !url.isEmpty else { return nil }
        var proxy: HTTPProxy
        do { proxy = try HTTPProxy.parse(url) } catch {
            throw TedgeError("Invalid proxy address '\(url)': \(error.reason).")
        }
        if configured != nil {
            proxy.username = config.value(of: ProxyConfigKeys.username) ?? proxy.username
            proxy.password = config.value(of: ProxyConfigKeys.password) ?? proxy.password
        }
        let authorization = proxy.username.map { user in
            "Basic " + Base64.encode(Array("\(user):\(proxy.password ?? "")".utf8))
        }
        return ProxyTunnel(host: proxy.host, port: UInt16(clamping: proxy.port), authorization: authorization)
    }
}
