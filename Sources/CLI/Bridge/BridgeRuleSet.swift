import TedgeFileDefinedClouds
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

/// A cloud's bridge rules as `tedge bridge inspect` and `test` show them: a user-defined cloud's from its rule files
/// (refused, with every problem, when they hold any), a compiled cloud's from the bridge it describes for this device.
struct BridgeRuleSet {
    /// "custom mapper 'thingsboard'" or "Azure".
    let title: String
    /// The rule files' directory, or the provider.
    let source: String
    let topics: [BridgeTopic]
    let skipped: [BridgeRuleExpansion.Skipped]
    let disabledFiles: [String]

    /// With a cloud profile (`--profile`), the bridge the profile's connection describes, under its prefix.
    init(cloud name: String, profile: CloudProfileName?, global: GlobalOptions) throws {
        let store = global.store
        let (provider, config) = try global.provider(name).connection(profile, config: store.load())
        if let defined = provider as? FileDefinedCloud {
            let problems = defined.fileViolations(config: config)
            guard problems.isEmpty else { throw TedgeError(FileDefinedCloud.report(problems, directory: defined.directory)) }
            let expansion = defined.expandedBridgeRules(config)
            title = "custom mapper '\(name)'"
            source = defined.bridgeDirectory
            topics = expansion.rules.map(\.bridgeTopic)
            skipped = expansion.skipped
            disabledFiles = FileSystem.regularFileNames(in: defined.bridgeDirectory).filter { $0.hasSuffix(".toml.disabled") }
        } else {
            let connector = CloudConnector(provider: provider, store: store, console: .standardOutput)
            title = provider.cloudName
            source = "the \(provider.connectionName) provider's bridge description"
            topics = provider.bridge(try connector.bridgeContext(config)).topics
            skipped = []
            disabledFiles = []
        }
    }
}
