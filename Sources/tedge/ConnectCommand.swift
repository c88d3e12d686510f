import ArgumentParser

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "connect", abstract: "Connect to connector provider")

    @Argument(help: "The cloud to connect to")
    var cloud: String

    @Flag(help: "Test the connection only")
    var test = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {}
}
