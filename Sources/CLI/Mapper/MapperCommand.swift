import ArgumentParser

/// `tedge mapper list | verify`: the user-defined mappers of `<config-dir>/mappers/` (not `tedge-mapper`, the daemon).
struct MapperCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mapper", abstract: "List and verify the user-defined mappers under <config-dir>/mappers/",
        subcommands: [MapperListCommand.self, MapperVerifyCommand.self])
}
