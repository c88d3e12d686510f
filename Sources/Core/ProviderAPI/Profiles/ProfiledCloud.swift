/// A cloud connection other than a provider's default one: a cloud profile (`tedge connect az --profile second`), or
/// the default profile with its own `<cloud>.bridge.topic_prefix`. Core makes it from the provider; the provider is
/// asked to describe exactly as for its default connection, with the profile's configuration (a `TedgeConfig` with
/// the profile selected, so `az.url` is `az.profiles.second.url`), and its descriptions are moved to the profile's
/// names: local topics under the prefix, `edge_to_az@second` / `Azure@second` in the mosquitto bridge, and the
/// prefix-derived services (see `TopicRelocation`). The derived names (`bridgeFileName`, `mapperServiceName`, …)
/// come from `connectionName` and `topicPrefix`, in the `CloudProvider` extension.
public struct ProfiledCloud: CloudProvider {
    public let base: any CloudProvider
    /// nil: the default profile under another prefix.
    public let profile: CloudProfileName?
    /// `az-second`: the local prefix without its `/`.
    public let prefix: String
    let relocation: TopicRelocation

    public init(_ base: any CloudProvider, profile: CloudProfileName?, prefix: String) {
        self.base = base
        self.profile = profile
        self.prefix = prefix
        relocation = TopicRelocation(original: base.id, relocated: prefix)
    }

    public var id: String { base.id }
    public var names: CloudNames { base.names }
    public var configKeys: [ConfigKey] { base.configKeys }
    public var certificateRequirements: CertificateRequirements { base.certificateRequirements }

    public func bridge(_ context: ConnectionContext) -> BridgeDescription {
        var bridge = base.bridge(context)
        if let profile {
            bridge.connection += "@\(profile)"
            bridge.localClientID += "@\(profile)"
        }
        bridge.notificationTopic = bridge.notificationTopic.map(relocation.serviceTopic)
        bridge.topics = bridge.topics.map { topic in
            var moved = topic
            moved.localPrefix = relocation.outward(topic.localPrefix)
            return moved
        }
        return bridge
    }

    public func connectionCheck(_ context: ConnectionContext) -> ConnectionCheck { relocated(base.connectionCheck(context)) }

    public func postConnectCheck(_ context: ConnectionContext) -> ConnectionCheck? {
        base.postConnectCheck(context).map(relocated)
    }

    public func mapper(_ config: TedgeConfig) -> MapperDescription? {
        guard var description = base.mapper(config) else { return nil }
        let relocation = relocation
        let makeConverter = description.makeConverter
        description.subscriptions = description.subscriptions.map(relocation.outward)
        description.makeConverter = { listed in RelocatedConverter(base: makeConverter(listed), relocation: relocation) }
        description.operations = description.operations.map { RelocatedOperations(base: $0, relocation: relocation) }
        return description
    }

    public func certificateUpload(_ request: CertificateUploadRequest) throws(TedgeError) -> HTTPSExchange? {
        try base.certificateUpload(request)
    }

    public func provisioning(_ request: ProvisioningRequest) -> ProvisioningExchange? { base.provisioning(request) }

    private func relocated(_ check: ConnectionCheck) -> ConnectionCheck {
        var moved = check
        let relocation = relocation
        let judge = check.judge
        if let profile { moved.clientID += "@\(profile)" }
        moved.subscriptions = check.subscriptions.map(relocation.outward)
        moved.request = relocation.outward(check.request)
        moved.judge = { answer in judge(relocation.inward(answer)) }
        return moved
    }
}
