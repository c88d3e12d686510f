import TedgeProviderAPI

/// One run of the contract over one provider: each check adds the violations it finds, with the part of
/// the description it is about, so a provider read from files can place them.
final class ContractChecker {
    let provider: any CloudProvider
    let context: ConnectionContext
    private var found: [(ContractViolation, ContractSubject)] = []

    init(provider: any CloudProvider, config: TedgeConfig?) {
        self.provider = provider
        context = ConnectionContext.sample(for: provider, config: config)
    }

    func check(
        _ condition: Bool, _ rule: String, _ detail: @autoclosure () -> String, about subject: ContractSubject = .identity
    ) {
        if !condition { found.append((ContractViolation(provider: provider.id, rule: rule, detail: detail()), subject)) }
    }

    /// The violations, placed in their files when the provider was read from files, with the files' own mistakes first.
    func located() -> [ContractViolation] {
        guard let files = provider as? any DefinedInFiles else { return found.map(\.0) }
        return files.fileViolations(config: context.config)
            + found.map { violation, subject in
                var placed = violation
                placed.location = files.location(of: subject, config: context.config)
                return placed
            }
    }

    // MARK: identity and keys

    /// thin-edge's rule for mapper names (`MapperName`): `[a-z][a-z0-9-]*`, and not `bridge-…`.
    static func isValidID(_ id: String) -> Bool { (try? MapperName.validate(id)) != nil }

    func checkIdentity() {
        let id = provider.id
        check(
            Self.isValidID(id), "the id is lower-case letters, digits and '-', starting with a letter, not 'bridge-…'",
            "id is '\(id)'")
        check(
            !provider.displayName.isEmpty && !provider.cloudName.isEmpty && !provider.bridgeName.isEmpty,
            "the names for texts are not empty",
            "displayName '\(provider.displayName)', cloudName '\(provider.cloudName)', bridgeName '\(provider.bridgeName)'")
    }

    func checkConfigKeys() {
        let id = provider.id
        let keys = provider.configKeys
        check(!keys.isEmpty, "the provider contributes config keys", "configKeys is empty")
        let names = keys.map(\.name)
        check(Set(names).count == names.count, "config keys are unique", "duplicates in \(names)")
        check(
            names.contains(provider.urlKey.name), "the endpoint key '<id>.url' is declared",
            "\(provider.urlKey.name) is missing from \(names)", about: .configKey(provider.urlKey.name))
        check(
            names.contains(provider.rootCertificateKey.name), "the root CA key '<id>.root.cert.path' is declared",
            "\(provider.rootCertificateKey.name) is missing from \(names)", about: .configKey(provider.rootCertificateKey.name))
        check(
            provider.urlKey.kind == .connectURL, "the URL key validates host names",
            "\(provider.urlKey.name) has kind \(provider.urlKey.kind)", about: .configKey(provider.urlKey.name))
        let coreNames = Set(ConfigSchema(providerKeys: []).keys.map(\.name))
        for key in keys {
            let subject = ContractSubject.configKey(key.name)
            check(key.name.hasPrefix(id + "."), "config keys are named '<id>.…'", "\(key.name)", about: subject)
            check(!coreNames.contains(key.name), "config keys do not shadow Core's", "\(key.name)", about: subject)
            check(
                key.storage != .derivedFromCertificate, "provider keys are stored in tedge.toml", "\(key.name) is derived",
                about: subject)
            if case .toml(let table, _) = key.storage {
                check(
                    table == id, "config keys live in the provider's [<id>] table", "\(key.name) is stored in [\(table)]",
                    about: subject)
            }
            check(
                key.doc.containsText("Example"), "every key has a doc line with an example", "\(key.name): '\(key.doc)'",
                about: subject)
            for (sample, shouldPass) in ProviderContract.samples(for: key.kind) {
                let passed = (try? key.parse(sample)) != nil
                check(
                    passed == shouldPass, "config values are validated",
                    "\(key.name) \(shouldPass ? "refuses" : "accepts") '\(sample)'", about: subject)
            }
            // A default the provider ships (a user-defined cloud's value from its files) must be one its key accepts.
            if let value = context.config.defaultValue(of: key), !value.isEmpty || key.kind != .string {
                check(
                    (try? key.parse(value)) != nil, "default values are valid for their key", "\(key.name) = '\(value)'",
                    about: subject)
            }
        }
    }

    // MARK: the bridge

    func checkBridge() {
        let bridge = provider.bridge(context)
        let text = bridge.render(rootCertificateIsDirectory: true)
        check(
            text == provider.bridge(context).render(rootCertificateIsDirectory: true), "the bridge renders the same every time",
            "two renderings differ", about: .bridge)
        check(!bridge.topics.isEmpty, "the bridge carries topics", "no topic rules", about: .bridge)
        check(
            bridge.connection.hasPrefix("edge_to_"), "the bridge connection is named 'edge_to_…'",
            "connection is '\(bridge.connection)'", about: .bridge)
        check(
            bridge.address == context.cloud, "the bridge goes to the configured endpoint",
            "address is \(bridge.address), expected \(context.cloud)", about: .bridge)
        check(
            bridge.certificatePath == context.certificatePath && bridge.keyPath == context.keyPath,
            "the bridge authenticates with the device certificate",
            "certfile \(bridge.certificatePath), keyfile \(bridge.keyPath)", about: .bridge)
        check(
            bridge.remoteClientID == context.deviceID, "the remote client id is the device id",
            "remote_clientid is \(bridge.remoteClientID)", about: .bridge)
        for line in text.split(separator: "\n") where !line.isEmpty && !line.hasPrefix("#") {
            check(line.split(separator: " ").count >= 2, "every bridge line is '<setting> <value>'", "'\(line)'", about: .bridge)
        }
        for topic in bridge.topics { checkTopic(topic, of: bridge) }
    }

    private func checkTopic(_ topic: BridgeTopic, of bridge: BridgeDescription) {
        let subject = ContractSubject.bridgeTopic(topic)
        check(
            topic.localPrefix.hasPrefix(provider.localPrefix), "every bridge topic sits under the local prefix",
            "\(topic.line) has local prefix '\(topic.localPrefix)'", about: subject)
        check((0...2).contains(topic.qos), "bridge QoS is 0, 1 or 2", topic.line, about: subject)
        check(
            !topic.line.split(separator: " ").contains { $0.isEmpty }, "bridge topic lines have no empty fields", topic.line,
            about: subject)
        check(
            !TopicFilterCoverage.hasWildcard(topic.localPrefix + topic.remotePrefix), "bridge prefixes hold no wildcards",
            "\(topic.line): local prefix '\(topic.localPrefix)', remote prefix '\(topic.remotePrefix)'", about: subject)
        check(
            topic.pattern.isEmpty || MQTTTopicFilter(topic.pattern) != nil, "bridge topic patterns are MQTT topic filters",
            "\(topic.line): '\(topic.pattern)'", about: subject)
        if !bridge.cloudAcceptsWildcardSubscriptions && topic.direction != .outbound {
            check(
                !TopicFilterCoverage.hasWildcard(topic.pattern),
                "inbound rules name exact topics where the cloud takes no wildcard subscriptions",
                "\(topic.line) subscribes '\(topic.remotePrefix)\(topic.pattern)' in the cloud", about: subject)
        }
    }

    // MARK: the connection check

    func checkConnectionCheck() {
        let connectionCheck = provider.connectionCheck(context)
        let subject = ContractSubject.connectionCheck
        check(
            connectionCheck.attempts >= 1, "the check makes at least one attempt", "attempts is \(connectionCheck.attempts)",
            about: subject)
        check(
            connectionCheck.attemptTimeout > .zero, "the check waits a positive time",
            "attemptTimeout is \(connectionCheck.attemptTimeout)", about: subject)
        check(
            !connectionCheck.troubleshooting.isEmpty, "the check says what to verify when nobody answers",
            "troubleshooting is empty", about: subject)
        for filter in connectionCheck.subscriptions + [connectionCheck.request.topic] {
            check(
                filter.hasPrefix(provider.localPrefix), "the check talks over the provider's local topics", "\(filter)",
                about: subject)
        }
        check(
            connectionCheck.request.qos != .atMostOnce, "the check's request is acknowledged (QoS 1 or 2)", "QoS 0",
            about: subject)
        // Through the bridge: the request must be carried out, and the answer can only come back through an inbound rule.
        let topics = provider.bridge(context).topics
        func carried(_ filter: String, inbound: Bool) -> Bool {
            topics.contains { topic in
                guard topic.direction == .both || (topic.direction == .inbound) == inbound else { return false }
                return topic.pattern.isEmpty
                    ? topic.localPrefix == filter : TopicFilterCoverage.covers(topic.localPrefix + topic.pattern, filter)
            }
        }
        check(
            carried(connectionCheck.request.topic, inbound: false),
            "the check's request goes out through an outbound bridge rule",
            "no outbound rule carries '\(connectionCheck.request.topic)'", about: subject)
        for filter in connectionCheck.subscriptions {
            check(
                carried(filter, inbound: true), "the check's answer can come back through an inbound bridge rule",
                "no inbound rule carries '\(filter)', so the check can never be answered", about: subject)
        }
        for answer in ProviderContract.hostileMessages(prefix: provider.localPrefix) { _ = connectionCheck.judge(answer) }
    }

    // MARK: the mapper

    func checkMapper() {
        guard let mapper = provider.mapper(context.config) else { return }
        let subject = ContractSubject.mapper
        check(
            !mapper.subscriptions.isEmpty || mapper.flowsDirectory != nil, "the mapper subscribes to something",
            "no subscriptions and no flows", about: subject)
        var converter = mapper.makeConverter(["c8y_Restart", "c8y_SoftwareUpdate"])
        for message in converter.startupMessages() {
            check(
                message.topic.hasPrefix(provider.localPrefix), "startup messages go to the cloud's topics", message.topic,
                about: subject)
        }
        // Thin Edge JSON on `tedge/measurements` is the converter's to map when the mapper reads it.
        let legacy = mapper.subscriptions.contains("tedge/measurements")
        for input in (legacy ? ProviderContract.validMeasurements() : [])
            + ProviderContract.hostileMessages(prefix: "tedge/measurements")
        {
            switch converter.convert(input) {
            case .success(let outputs):
                if legacy {
                    check(
                        !outputs.isEmpty, "a successful conversion produces messages",
                        "no output for \(ProviderContract.preview(input))",
                        about: subject)
                }
                for output in outputs {
                    check(
                        output.topic.hasPrefix(provider.localPrefix), "converted messages go to the cloud's topics",
                        "\(output.topic) for \(ProviderContract.preview(input))", about: subject)
                    check(
                        !TopicFilterCoverage.hasWildcard(output.topic), "converted topics are topic names", output.topic,
                        about: subject)
                }
            case .failure(let error):
                check(
                    !error.description.isEmpty, "conversion errors say what is wrong",
                    "empty error for \(ProviderContract.preview(input))", about: subject)
            }
        }
        for input in legacy ? ProviderContract.validMeasurements() : [] {
            if case .failure(let error) = converter.convert(input) {
                found.append(
                    (
                        ContractViolation(
                            provider: provider.id, rule: "valid Thin Edge JSON is converted",
                            detail: "\(ProviderContract.preview(input)): \(error)"), subject
                    ))
            }
        }
    }
}
