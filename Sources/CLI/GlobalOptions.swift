import ArgumentParser
import Glibc
import TedgeFileDefinedClouds
import TedgeProviderAPI
import TedgeSystem

/// Options every command takes. `--config-dir` may also come before the subcommand
/// (`tedge --config-dir D cert show`); `hoistConfigDirectory` moves it where the parser expects it.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .customLong("config-dir"),
        help: ArgumentHelp(
            "Directory of tedge.toml, certificates and mosquitto files (default: $TEDGE_CONFIG_DIR or /etc/tedge).",
            valueName: "DIR"))
    var configDirectory: String?

    var resolvedConfigDirectory: String {
        if let configDirectory { return FileSystem.absolute(configDirectory) }
        if let fromEnvironment = getenv("TEDGE_CONFIG_DIR").map({ String(cString: $0) }), !fromEnvironment.isEmpty {
            return FileSystem.absolute(fromEnvironment)
        }
        return "/etc/tedge"
    }

    /// The user-defined clouds of the config directory (`mappers/<name>/`), read at run time.
    var definitions: FileDefinedClouds {
        FileDefinedClouds(configDirectory: resolvedConfigDirectory, builtIn: TedgeCLI.registry.ids)
    }

    /// The clouds this build knows, then the user-defined ones: `tedge connect <name>` and `tedge config` take both.
    var registry: CloudRegistry { definitions.adding(to: TedgeCLI.registry) }

    /// A cloud by name, or why there is none: the definition's problems when `mappers/<name>/` cannot be read.
    func provider(_ name: String) throws -> any CloudProvider {
        let definitions = definitions
        do { return try definitions.adding(to: TedgeCLI.registry).provider(name) } catch {
            throw definitions.whyNotACloud(name) ?? error
        }
    }

    var store: ConfigStore { .readingDeviceCertificate(directory: resolvedConfigDirectory, schema: registry.configSchema) }

    /// Moves `--config-dir X` / `--config-dir=X` found before the first subcommand word to the end.
    static func hoistConfigDirectory(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var hoisted: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--config-dir", index + 1 < arguments.count {
                hoisted += [argument, arguments[index + 1]]
                index += 2
                continue
            }
            if argument.hasPrefix("--config-dir=") {
                hoisted.append(argument)
                index += 1
                continue
            }
            if !argument.hasPrefix("-") { break }
            leading.append(argument)
            index += 1
        }
        // Options go before a `--`, after which everything is a value.
        var rest = Array(arguments[index...])
        let separator = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: hoisted, at: separator)
        return leading + rest
    }
}
