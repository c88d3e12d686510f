import ArgumentParser
import TedgeMosquitto
import TedgeSystem

struct ConfigGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Get the value of the provided configuration key")

    @Argument(help: "Configuration key. Run `tedge config list --doc` for available keys")
    var key: String

    @OptionGroup var profile: ProfileOption

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let config = try global.store.load()
            let configKey = config.schema.key(try config.schema.requireKey(key), in: try profile.selected())
            if let value = config.value(of: configKey) {
                Console.standardOutput.line(value)
            } else if configKey.isReadOnly {
                Console.standardOutput.line("The provided config key: '\(key)' is not configurable")
            } else {
                Console.standardOutput.line("The provided config key: '\(key)' is not set")
            }
        } catch {
            throw CommandFailure("get the configuration value for key: \(key)", cause: error)
        }
    }
}
