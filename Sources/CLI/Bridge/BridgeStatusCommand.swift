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

    @OptionGroup var profile: ProfileOption

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        do {
            let config = try global.store.load()
            let provider = try global.provider(cloud).connection(profile.selected(), config: config).cloud
            for line in try await BridgeStatusReader(cloudID: provider.topicPrefix, port: config.mqttPort).read() {
                Console.standardOutput.line(line)
            }
        } catch {
            throw CommandFailure("read the status of the \(cloud) bridge", cause: error)
        }
    }
}
