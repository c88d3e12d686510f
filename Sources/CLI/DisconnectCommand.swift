import ArgumentParser
import TedgeFileDefinedClouds
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

struct DisconnectCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "disconnect", abstract: "Remove bridge connection for a provider",
            discussion: TedgeCLI.registry.knownCloudsHelp)
    }

    @Argument(help: "The cloud to disconnect from")
    var cloud: String

    @OptionGroup var profile: ProfileOption

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var provider: any CloudProvider
        let (name, profile): (String, CloudProfileName?)
        do { (name, profile) = try self.profile.cloudAndProfile(cloud) } catch {
            throw CommandFailure("remove the bridge to disconnect \(cloud) cloud", cause: error)
        }
        do { provider = try global.provider(name) } catch {
            // A user-defined cloud whose files were broken since it was connected can still be disconnected.
            guard let remnant = global.definitions.remnant(name) else {
                throw CommandFailure("remove the bridge to disconnect \(cloud) cloud", cause: error)
            }
            provider = remnant
        }
        // The profile's names (bridge file, services); a tedge.toml that no longer loads still names them.
        let config =
            (try? global.store.load()) ?? TedgeConfig(schema: global.registry.configSchema, directory: global.store.directory)
        provider = provider.connection(profile, config: config).cloud
        let connector = CloudConnector(provider: provider, store: global.store, console: .standardOutput)
        do { try await connector.disconnect() } catch {
            throw CommandFailure(connector.disconnectAction, cause: error)
        }
    }
}
