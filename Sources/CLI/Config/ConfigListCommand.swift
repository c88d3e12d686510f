import ArgumentParser
import TedgeProviderAPI
import TedgeSystem

struct ConfigListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Print the configuration keys and their values")

    @Flag(help: "Prints all the configuration keys, even those without a configured value")
    var all = false

    @Flag(help: "Prints all keys and descriptions with example values")
    var doc = false

    @OptionGroup var profile: ProfileOption

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let config = try global.store.load()
            let listing = ConfigListing(config: config, profile: try profile.selected())
            for line in listing.lines(all: all, doc: doc) { Console.standardOutput.line(line) }
        } catch {
            throw CommandFailure("list the configuration keys and values", cause: error)
        }
    }
}
