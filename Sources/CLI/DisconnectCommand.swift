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

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let provider: any CloudProvider
        do { provider = try global.provider(cloud) } catch {
            // A user-defined cloud whose files were broken since it was connected can still be disconnected.
            guard let remnant = global.definitions.remnant(cloud) else {
                throw CommandFailure("remove the bridge to disconnect \(cloud) cloud", cause: error)
            }
            provider = remnant
        }
        let connector = CloudConnector(provider: provider, store: global.store, console: .standardOutput)
        do { try await connector.disconnect() } catch {
            throw CommandFailure(connector.disconnectAction, cause: error)
        }
    }
}
