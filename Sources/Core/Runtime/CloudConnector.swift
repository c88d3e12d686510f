import TedgeProviderAPI
import TedgeSystem

/// `tedge connect <cloud>`, `tedge connect <cloud> --test` and `tedge disconnect <cloud>`: Core's
/// part of connecting, the same for every provider. Texts and step order follow thin-edge's documented
/// `tedge connect az` transcript (the mapper started before the connection check), not 0.5's order.
/// It decides; `effects` acts (files, services, broker, checks, printing), so the transcript, the
/// order and the rollback are tested against a recording fake.
public struct CloudConnector: Sendable {
    public let provider: any CloudProvider
    /// Where tedge.toml, system.toml and `mosquitto-conf/` are.
    public let configDirectory: String
    public let effects: any ConnectorEffects
    /// How long the broker may take to listen again after a restart.
    public var brokerStartTimeout: Duration = .seconds(5)
    /// How long the mapper may take to report `up` on its health topic.
    public var mapperStartTimeout: Duration = .seconds(10)

    /// Connecting this device: the store's directory, its init system, its broker.
    public init(provider: any CloudProvider, store: ConfigStore, console: Console) {
        self.init(
            provider: provider, configDirectory: store.directory, effects: SystemConnectorEffects(store: store, console: console))
    }

    public init(provider: any CloudProvider, configDirectory: String, effects: any ConnectorEffects) {
        self.provider = provider
        self.configDirectory = configDirectory
        self.effects = effects
    }

    var mosquittoDirectory: String { FileSystem.join(configDirectory, "mosquitto-conf") }
    var bridgePath: String { FileSystem.join(mosquittoDirectory, provider.bridgeFileName) }

    public var connectAction: String { "connect \(provider.cloudName) cloud." }
    public var testAction: String { "test connection to \(provider.cloudName) cloud." }
    public var disconnectAction: String { "remove the bridge to disconnect \(provider.bridgeName) cloud" }

    // MARK: connect

    public func connect() async throws {
        var config = try loadConfig()
        // Profiles of one cloud must be distinct devices with distinct local topics (thin-edge's check, before anything).
        try ProfileValidation(cloud: provider, config: config) { profile in
            provider.configuredDeviceID(profile)
                ?? (try? effects.deviceID(DeviceCertificateFiles(config: profile, cloud: provider)))
        }.check()
        config.pinDefault(provider.rootCertificateKey)
        try await provision(&config)
        let context = try bridgeContext(config)
        // The mapper reads no certificate: the device id it needs (`c8y.device.id`) is recorded here.
        config.record(deviceID: context.deviceID, in: provider.configKeys)
        try effects.saveConfig(config)

        let (services, notice) = try effects.serviceManager()
        if let notice { step(notice) }
        step("Checking if \(services.name) is available.")
        let servicesAvailable = effects.isAvailable(services)
        if !servicesAvailable { step("Warning: '\(services.name)' service manager is not available on the system.") }

        let builtIn = BuiltInBridgeConnection.isEnabled(config) ? builtInBridge : nil
        step("Checking if configuration for requested bridge already exists.")
        if effects.fileExists(builtIn?.markerPath ?? bridgePath) {
            throw TedgeError(
                "Connection is already established. To remove existing connection use 'tedge disconnect \(disconnectCommand)' and try again."
            )
        }

        step("Validating the bridge certificates.")
        let certificates = BridgeCertificateCheck(
            context: context, rootCertificateKey: provider.rootCertificateKey.name,
            recommendedRootCertificate: provider.certificateRequirements.recommendedRootCertificate)
        for warning in try effects.checkCertificates(certificates) { step(warning) }

        step("Saving configuration for requested bridge.")
        try writeBrokerFiles(config: config, context: context, builtIn: builtIn)
        if let builtIn { step(builtIn.transcriptLine) }

        guard servicesAvailable else {
            step(
                """
                'tedge connect' configured the necessary tedge components, but you will have to start the required services on your own.
                Start/restart mosquitto and other thin edge components.
                thin-edge.io works seamlessly with '\(services.name)'.
                """)
            throw TedgeError(services.unavailableMessage)
        }

        do {
            step("Restarting mosquitto service.")
            try effects.perform(.restart, "mosquitto", with: services)
            step("Awaiting mosquitto to start. This may take up to 5 seconds.")
            let port = config.mqttPort
            guard await effects.waitUntilListening(port: port, timeout: brokerStartTimeout) else {
                throw TedgeError(
                    "mosquitto is not listening on port \(port) after the restart. Check the broker's log, and that its configuration includes '\(mosquittoDirectory)' (include_dir)."
                )
            }
            step("Persisting mosquitto on reboot.")
            try effects.perform(.enable, "mosquitto", with: services)
        } catch {
            // No half-made connection: drop the bridge and give the broker its old configuration back.
            _ = try? effects.removeFile(builtIn?.markerPath ?? bridgePath)
            try? effects.perform(.restart, "mosquitto", with: services)
            throw error
        }
        if builtIn == nil { step("Successfully created bridge connection!") }

        // The documented flow: the mapper runs (and has said so) before the check, whose verdict comes last.
        await startMapper(services, config: config)
        if let builtIn { await awaitBuiltInBridge(builtIn, config: config) }

        let connectionCheck = provider.connectionCheck(context)
        switch await run(connectionCheck, config: config) {
        case .failure:
            step("Warning: Bridge has been configured, but \(provider.cloudName) connection check failed.")
        case .success(let attempt):
            if attempt > 1 && connectionCheck.restartBrokerAfterLateSuccess {
                step("Restarting mosquitto to resubscribe to bridged inbound cloud topics after device creation.")
                try effects.perform(.restart, "mosquitto", with: services)
                step("Awaiting mosquitto to start. This may take up to 5 seconds.")
                _ = await effects.waitUntilListening(port: config.mqttPort, timeout: brokerStartTimeout)
            }
        }
        await postConnectCheck(config: config, context: context)
    }

    /// Runs the provider's provisioning exchange when it has one for this configuration, and puts
    /// what it assigns into `config` (saved with the rest, so a failure leaves tedge.toml unchanged).
    private func provision(_ config: inout TedgeConfig) async throws {
        let files = DeviceCertificateFiles(config: config)
        // Without a certificate there is nothing to provision with; bridgeContext says what is missing.
        guard let deviceID = try? effects.deviceID(files),
            let exchange = provider.provisioning(ProvisioningRequest(deviceID: deviceID, config: config))
        else { return }
        step(exchange.announcement)
        let (settings, report) = try await effects.provision(exchange, with: files)
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            guard let key = config.schema.key(named: name) else {
                throw TedgeError("The provisioning service assigned '\(name)', which is not a configuration key")
            }
            try config.set(key, to: value)
        }
        step(report)
    }

    /// A warning, never a failure: the link works, but something about it deserves attention.
    private func postConnectCheck(config: TedgeConfig, context: ConnectionContext) async {
        guard let check = provider.postConnectCheck(context) else { return }
        switch try? await effects.runCheck(check, port: config.mqttPort, cloudName: provider.cloudName) {
        case .success: return
        case .rejected(let warning): step(warning)
        case .noAnswer, nil: step(check.troubleshooting)
        }
    }

    // MARK: test

    /// Runs the connection check only; fails when there is no bridge or the cloud does not answer.
    public func test() async throws {
        let config = try loadConfig()
        guard effects.fileExists(BuiltInBridgeConnection.isEnabled(config) ? builtInBridge.markerPath : bridgePath) else {
            throw TedgeError("Device is not connected to \(provider.cloudName) cloud")
        }
        let context = try bridgeContext(config)
        if case .failure(let reason) = await run(provider.connectionCheck(context), config: config) { throw reason }
    }

    /// The attempt that succeeded, or why none did.
    private func run(_ check: ConnectionCheck, config: TedgeConfig) async -> Result<Int, TedgeError> {
        step(
            "Sending packets to check connection. This may take up to \(check.attemptTimeout.components.seconds * Int64(check.attempts)) seconds."
        )
        do {
            switch try await effects.runCheck(check, port: config.mqttPort, cloudName: provider.cloudName) {
            case .success(let attempt):
                step("Received expected response message, connection check is successful.")
                return .success(attempt)
            case .rejected(let reason):
                effects.line("Connection check failed: \(reason)")
                return .failure(TedgeError("The connection check failed: \(reason)"))
            case .noAnswer:
                effects.line(check.troubleshooting)
                return .failure(
                    TedgeError(
                        "No response from \(provider.displayName) within \(check.attemptTimeout.components.seconds * Int64(check.attempts)) seconds.\n\(check.troubleshooting)"
                    ))
            }
        } catch {
            return .failure(TedgeError(CommandFailure.chain(of: error).joined(separator: "\n")))
        }
    }

    /// Starts and enables the mapper, then waits for its health message: a mapper that has not said
    /// `up` may not have subscribed yet, and what is published before that is not mapped.
    private func startMapper(_ services: ServiceManager, config: TedgeConfig) async {
        let service = provider.mapperServiceName
        step("Checking if tedge-mapper is installed.")
        guard effects.isInstalled("tedge-mapper") else {
            step("Warning: tedge-mapper is not installed.")
            return
        }
        let startedAt = effects.now()
        step("Starting \(service) service.")
        do { try effects.perform(.restart, service, with: services) } catch {
            step("Failed to start \(service) service: \(error)")
            return
        }
        step("Persisting \(service) on reboot.")
        do { try effects.perform(.enable, service, with: services) } catch {
            step("Failed to enable \(service) service: \(error)")
            return
        }
        // The mapper's `up` on `te/<device>/service/<mapper>/status/health` (the legacy topic gets the same).
        let healthName = provider.mapperHealthName
        let health = (try? MapperHealth(serviceName: healthName, config: config)) ?? MapperHealth(serviceName: healthName)
        var reportedUp = true  // a cloud without a mapper has no health to wait for
        if provider.mapper(config) != nil {
            reportedUp = await effects.waitUntilUp(
                health, port: config.mqttPort, timeout: mapperStartTimeout, notBefore: startedAt)
        }
        guard !reportedUp else {
            step("\(service) service successfully started and enabled!")
            return
        }
        step(
            "Warning: \(service) service was started and enabled, but did not report \"up\" on \(health.topic) "
                + "within \(mapperStartTimeout.components.seconds) seconds. "
                + "Check its log; messages may not be mapped until it is up.")
    }

    // MARK: disconnect

    public func disconnect() async throws {
        step("Removing \(provider.bridgeName) bridge.")
        let removedBuiltIn = try effects.removeFile(builtInBridge.markerPath)
        guard try effects.removeFile(bridgePath) || removedBuiltIn else {
            effects.line("Bridge doesn't exist. Operation finished!")
            return
        }
        let (services, _) = try effects.serviceManager()
        guard effects.isAvailable(services) else {
            effects.line("Service manager '\(services.name)' is not available, skipping stopping/disabling of tedge components.")
            return
        }
        step("Applying changes to mosquitto.")
        if effects.isActive("mosquitto", with: services) { try? effects.perform(.restart, "mosquitto", with: services) }
        step("\(provider.bridgeName) Bridge successfully disconnected!")

        if effects.isInstalled("tedge-mapper") {
            let service = provider.mapperServiceName
            step("Stopping \(service) service.")
            do { try effects.perform(.stop, service, with: services) } catch {
                step("Failed to stop \(service) service: \(error)")
            }
            step("Disabling \(service) service.")
            do { try effects.perform(.disable, service, with: services) } catch {
                step("Failed to disable \(service) service: \(error)")
            }
            step("\(service) service successfully stopped and disabled!")
        }
    }

    // MARK: pieces

    /// tedge.toml with this connection's profile selected: the provider's keys read and written in its table.
    private func loadConfig() throws -> TedgeConfig { try effects.loadConfig().selecting(provider.profile, of: provider.id) }

    /// `az`, `az --profile second`: what `tedge disconnect` takes for this connection.
    private var disconnectCommand: String { provider.profile.map { "\(provider.id) --profile \($0)" } ?? provider.id }

    /// Everything the provider needs, or thin-edge's message for what is missing.
    public func bridgeContext(_ config: TedgeConfig) throws -> ConnectionContext {
        guard let url = config.value(of: provider.urlKey) else {
            throw TedgeError(
                "A value for `\(provider.urlKey.name)` is missing.\n    A value can be set with `tedge config set \(provider.urlKey.name) <value>`"
            )
        }
        let cloud = try HostAndPort(parsing: url, defaultPort: 8883)
        let files = DeviceCertificateFiles(config: config, cloud: provider)
        let deviceID: String
        if let configured = provider.configuredDeviceID(config) {
            deviceID = configured
        } else {
            do { deviceID = try effects.deviceID(files) } catch {
                throw TedgeError(
                    "Config value device.id, cannot be configured: The device id is read from the device certificate.\nTo set 'device.id' to some <id>, you can use `tedge cert create --device-id <id>`. "
                )
            }
        }
        return ConnectionContext(
            deviceID: deviceID, cloud: cloud,
            rootCertificatePath: config.value(of: provider.rootCertificateKey) ?? ConfigKey.systemCertificates,
            certificatePath: files.certificatePath, keyPath: files.keyPath, config: config)
    }

    /// Writes tedge-mosquitto.conf and the bridge file atomically; on failure no bridge file remains.
    private func writeBrokerFiles(config: TedgeConfig, context: ConnectionContext, builtIn: BuiltInBridgeConnection?) throws {
        if let builtIn {
            // The mapper bridges: tedge-mosquitto.conf only, and no stale mosquitto bridge for this cloud.
            try effects.createDirectories(mosquittoDirectory)
            try effects.writeFile(
                MosquittoLocalConfig(config: config).checkedRender(),
                to: FileSystem.join(mosquittoDirectory, MosquittoLocalConfig.fileName), mode: 0o644, placement: .replace)
            _ = try effects.removeFile(bridgePath)
            try effects.createDirectories(FileSystem.directory(of: builtIn.markerPath))
            return try effects.writeFile(
                builtIn.markerText(provider.bridge(context)), to: builtIn.markerPath, mode: 0o644, placement: .replace)
        }
        var description = provider.bridge(context)
        // Reconnect soon after an outage (2 s, backing off to 30 s) rather than mosquitto's default.
        description.extraSettings.append(("restart_timeout", "2 30"))
        let bridge = try description.checkedRender(
            rootCertificateIsDirectory: effects.isDirectory(context.rootCertificatePath))
        do {
            try effects.createDirectories(mosquittoDirectory)
            try effects.writeFile(
                MosquittoLocalConfig(config: config).checkedRender(),
                to: FileSystem.join(mosquittoDirectory, MosquittoLocalConfig.fileName), mode: 0o644, placement: .replace)
            try effects.writeFile(bridge, to: bridgePath, mode: 0o644, placement: .createNew)
        } catch {
            _ = try? effects.removeFile(bridgePath)
            throw error
        }
    }

    var builtInBridge: BuiltInBridgeConnection { BuiltInBridgeConnection(provider: provider, configDirectory: configDirectory) }

    /// The check goes through the mapper's bridge: wait until both its halves are connected (a warning otherwise).
    private func awaitBuiltInBridge(_ builtIn: BuiltInBridgeConnection, config: TedgeConfig) async {
        guard provider.mapper(config) != nil, effects.isInstalled("tedge-mapper") else { return }
        guard let cloudError = await effects.waitUntilUp(builtIn.service, port: config.mqttPort, timeout: mapperStartTimeout)
        else { return }
        step(
            "Warning: the built-in bridge did not report \"up\" on \(builtIn.service.healthTopic) within "
                + "\(mapperStartTimeout.components.seconds) seconds: \(provider.mapperServiceName) is not connected to the cloud yet"
                + (cloudError.isEmpty ? "." : " (\(cloudError))."))
    }

    /// A step line; thin-edge follows each with an empty line.
    private func step(_ text: String) {
        effects.line(text)
        effects.line("")
    }
}
