import ArgumentParser
import TedgeFileDefinedClouds
import TedgeProviderAPI
import TedgeProviderContract
import TedgeSystem

/// `tedge mapper verify <name>`: the provider contract on a cloud, as its tests run it on a compiled provider; for a
/// user-defined one, each problem with its file and line. Exit 1 when there is any.
struct MapperVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a cloud definition against the provider contract, each problem with its file and line")

    @Argument(help: "The mapper's name (its directory under <config-dir>/mappers/), or a built-in cloud")
    var name: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let action = "verify the mapper \(name)"
        let provider: any CloudProvider
        let config: TedgeConfig
        do {
            provider = try global.provider(name)
            config = try global.store.load()
        } catch {
            throw CommandFailure(action, cause: error)
        }
        guard let defined = provider as? FileDefinedCloud else {
            let problems = ProviderContract.violations(of: provider, config: config)
            guard problems.isEmpty else {
                throw CommandFailure(
                    action,
                    causes: [
                        "The built-in cloud \(name) breaks the provider contract:\n"
                            + problems.map(\.description).joined(separator: "\n")
                    ])
            }
            Console.standardOutput.line("\(name) (built in) passes the provider contract.")
            return
        }
        do { try defined.verify(config: config) } catch { throw CommandFailure(action, cause: error) }
        let rules = defined.expandedBridgeRules(config).rules.count
        Console.standardOutput.line(
            "\(name) (\(defined.directory)) passes the provider contract: \(rules) bridge rule\(rules == 1 ? "" : "s") from \(defined.bridgeFiles.count) file\(defined.bridgeFiles.count == 1 ? "" : "s")."
        )
    }
}
