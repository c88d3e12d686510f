import ArgumentParser

struct TedgeMapperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tedge-mapper", abstract: "Translates Thin Edge JSON into cloud formats")

    @Argument(help: "The cloud whose mapper to run")
    var cloud: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {}
}
