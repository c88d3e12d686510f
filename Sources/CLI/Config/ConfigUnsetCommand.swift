import ArgumentParser
import TedgeMosquitto
import TedgeSystem

struct ConfigUnsetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unset", abstract: "Unset the provided configuration key")

    @Argument(help: "Configuration key. Run `tedge config list --doc` for available keys")
    var key: String

    @OptionGroup var profile: ProfileOption

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let store = global.store
            var config = try store.load()
            let configKey = config.schema.key(try config.schema.requireKey(key), in: try profile.selected())
            try config.unset(configKey)
            try store.save(config)
        } catch {
            throw CommandFailure("unset the configuration value for key: \(key)", cause: error)
        }
    }
}
