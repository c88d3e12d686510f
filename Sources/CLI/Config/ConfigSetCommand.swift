import ArgumentParser
import TedgeMosquitto
import TedgeProviderAPI
import TedgeSystem

struct ConfigSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set or update the provided configuration key with the given value")

    @Argument(help: "Configuration key. Run `tedge config list --doc` for available keys")
    var key: String

    @Argument(help: "Configuration value.")
    var value: String

    @OptionGroup var profile: ProfileOption

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let action = "set the configuration key: \(key) with value: \(ControlCharacters.escaped(value))."
        do {
            let store = global.store
            var config = try store.load()
            let configKey = config.schema.key(try config.schema.requireKey(key), in: try profile.selected())
            do {
                try config.set(configKey, to: value)
            } catch {
                throw configKey.isReadOnly ? error : CausedError("Conversion from String failed", underlying: error)
            }
            try store.save(config)
        } catch {
            throw CommandFailure(action, cause: error)
        }
    }
}
