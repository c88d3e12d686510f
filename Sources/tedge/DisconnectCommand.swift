import ArgumentParser

struct DisconnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disconnect", abstract: "Remove bridge connection for a provider")

    @Argument(help: "The cloud to disconnect from")
    var cloud: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {}
}
