import ArgumentParser
import Core

struct TedgeMapperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tedge-mapper", abstract: "Translates Thin Edge JSON into the cloud's format: tedge-mapper [--config-dir DIR] <cloud>",
        version: "tedge-mapper 0.1.0")

    @Argument(help: "The cloud whose mapper to run")
    var cloud: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let shutdown = ShutdownSignal()
        do {
            let provider = try global.registry.provider(cloud)
            let runtime = MapperRuntime(provider: provider, config: try global.store.load(), log: .standardError)
            try await runtime.run(shutdown: shutdown)
        } catch {
            throw CommandFailure("start tedge-mapper \(cloud)", cause: error)
        }
    }
}
