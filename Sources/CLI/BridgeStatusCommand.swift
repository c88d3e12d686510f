import ArgumentParser
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

struct BridgeStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print the built-in bridge's health and its store's figures (queued, oldest, dropped, last cloud acknowledgement)")

    @Argument(help: "The cloud whose bridge to inspect")
    var cloud: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        do {
            let provider = try global.registry.provider(cloud)
            let config = try global.store.load()
            for line in try await BridgeStatusReader(cloudID: provider.id, port: config.mqttPort).read() {
                Console.standardOutput.line(line)
            }
        } catch {
            throw CommandFailure("read the status of the \(cloud) bridge", cause: error)
        }
    }
}
