import Glibc
import TedgeFileDefinedClouds
import TedgeMQTTSession
import TedgeProviderAPI
import TedgeSystem

/// `tedge-mapper [--config-dir DIR] [--keep-alive SECONDS] [--profile NAME] <cloud>` as a library: an executable is
/// `MapperCommand.main(registry:)`, so a package outside this tree runs mappers for its own clouds.
/// Hand-parsed arguments, no ArgumentParser, Foundation, Dispatch or Swift concurrency: the mapper's
/// memory is a product figure.
public enum MapperCommand {
    /// `bridge`: the built-in bridge's factory (`tedge-mapper-bridge`); without it, a configuration with
    /// `mqtt.bridge.built_in = true` executes `tedge-mapper-bridge` beside this executable (same process id).
    /// `registry` is built after the dynamic loader's pages are given back (`ResidentMemory`): the Swift runtime's
    /// first steps fault in pages of their own.
    public static func main(
        registry makeRegistry: @autoclosure () -> CloudRegistry, arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        bridge: MapperBridgeFactory? = nil
    ) -> Never {
        // What the dynamic loader read (relocations, symbol tables) is not read again.
        ResidentMemory.releaseCodePages()
        let registry = makeRegistry()
        let usage =
            "usage: tedge-mapper [--config-dir DIR] [--keep-alive SECONDS] [--profile NAME] <cloud>   (clouds: \(registry.ids.joined(separator: ", ")))"
        var keepAlive: UInt16 = 60
        var configDirectory =
            getenv("TEDGE_CONFIG_DIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/etc/tedge"
        var cloud: String?
        var profileOption: String?
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--config-dir":
                guard let value = remaining.popFirst() else {
                    fail("start tedge-mapper", TedgeError("--config-dir needs a directory\n\(usage)"))
                }
                configDirectory = value
            case "--keep-alive":
                guard let value = remaining.popFirst().flatMap({ UInt16($0) }), value > 0 else {
                    fail("start tedge-mapper", TedgeError("--keep-alive needs a number of seconds (1-65535)\n\(usage)"))
                }
                keepAlive = value
            case "--profile":
                guard let value = remaining.popFirst() else {
                    fail("start tedge-mapper", TedgeError("--profile needs a profile name\n\(usage)"))
                }
                profileOption = value
            case _ where argument.hasPrefix("--profile="):
                profileOption = String(argument.dropFirst("--profile=".count))
            case _ where argument.hasPrefix("--config-dir="):
                configDirectory = String(argument.dropFirst("--config-dir=".count))
            case "-h", "--help":
                Console.standardOutput.line(usage)
                exit(0)
            case "-V", "--version":
                Console.standardOutput.line("tedge-mapper \(TedgeVersion.current)")
                exit(0)
            case _ where argument.hasPrefix("-"):
                fail("start tedge-mapper", TedgeError("unknown option \(argument)\n\(usage)"))
            default:
                guard cloud == nil else { fail("start tedge-mapper", TedgeError("only one cloud can be given\n\(usage)")) }
                cloud = argument
            }
        }
        guard let cloud else { fail("start tedge-mapper", TedgeError("no cloud given\n\(usage)")) }

        do {
            // Blocked and read through a descriptor before anything else, so an early SIGTERM is not lost.
            let stopSignals = try SignalDescriptor()
            // The user-defined clouds of this config directory (`mappers/<name>/`) are known as well as the built-in ones.
            let directory = FileSystem.absolute(configDirectory)
            let definitions = FileDefinedClouds(configDirectory: directory, builtIn: registry.ids)
            let known = definitions.adding(to: registry)
            let cloudProvider: any CloudProvider
            do { cloudProvider = try known.provider(cloud) } catch { throw definitions.whyNotACloud(cloud) ?? error }
            // A cloud profile (`--profile`, else TEDGE_CLOUD_PROFILE): its configuration, prefix and names.
            let profile = try CloudProfileName.selected(
                option: profileOption, environment: getenv("TEDGE_CLOUD_PROFILE").map { String(cString: $0) })
            let (provider, config) = cloudProvider.connection(
                profile, config: try ConfigStore(directory: directory, schema: known.configSchema).load())
            if bridge == nil && config.flag(BridgeConfigKeys.builtIn) { try executeBridgeMapper(arguments) }
            // What reading the configuration and the clouds' definitions ran is not run again.
            ResidentMemory.releaseCodePages()
            _ = try MapperRuntime(
                provider: provider, config: config, log: .standardError, keepAliveSeconds: keepAlive, bridgeFactory: bridge
            )
            .run(stopSignals: stopSignals)
        } catch {
            fail("start tedge-mapper \(cloud)", error)
        }
        exit(0)
    }

    /// Replaces this process with `tedge-mapper-bridge` (the same arguments and process id, so init systems and
    /// lock files see the same service); returns only by throwing.
    private static func executeBridgeMapper(_ arguments: [String]) throws -> Never {
        var executable = [CChar](repeating: 0, count: Int(PATH_MAX))
        let length = readlink("/proc/self/exe", &executable, executable.count - 1)
        let own = length > 0 ? String(decoding: executable.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let path = FileSystem.join(FileSystem.directory(of: own), "tedge-mapper-bridge")
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, &argv)
        throw TedgeError(
            "mqtt.bridge.built_in is true, but \(path) cannot be executed: \(String(cString: strerror(errno))). "
                + "Install it beside tedge-mapper, or set mqtt.bridge.built_in to false.")
    }

    private static func fail(_ action: String, _ error: any Error) -> Never {
        Console.standardError.write(CommandFailure(action, cause: error).description)
        exit(1)
    }
}
