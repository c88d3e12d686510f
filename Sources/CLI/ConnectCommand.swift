import ArgumentParser
import TedgeFileDefinedClouds
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

struct ConnectCommand: AsyncParsableCommand {
    /// Computed: the known clouds come from the registry this run was started with.
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "connect", abstract: "Connect to connector provider",
            discussion: TedgeCLI.registry.knownCloudsHelp)
    }

    @Argument(help: "The cloud to connect to (one of the known clouds, or a user-defined one under <config-dir>/mappers/)")
    var cloud: String

    @Flag(help: "Test the connection to the cloud, without changing anything")
    var test = false

    @OptionGroup var profile: ProfileOption

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let provider: any CloudProvider
        do {
            let (name, profile) = try profile.cloudAndProfile(cloud)
            provider = try global.provider(name).connection(profile, config: global.store.load()).cloud
        } catch {
            throw CommandFailure(test ? "test connection to \(cloud) cloud." : "connect \(cloud) cloud.", cause: error)
        }
        let connector = CloudConnector(provider: provider, store: global.store, console: .standardOutput)
        do {
            // A user-defined cloud is verified first: a broken definition is refused before anything is written.
            let definition = provider.unprofiled
            if let defined = definition as? FileDefinedCloud { try defined.verify(config: global.store.load()) }
            if test { try await connector.test() } else { try await connector.connect() }
        } catch {
            throw CommandFailure(test ? connector.testAction : connector.connectAction, cause: error)
        }
    }
}
