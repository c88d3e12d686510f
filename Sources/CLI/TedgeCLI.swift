import TedgeProviderAPI

/// The `tedge` command line as a library: an executable is `TedgeCLI.main(registry:)` with the
/// clouds it knows, so a package outside this tree builds its own `tedge` with its own providers.
public enum TedgeCLI {
    /// The registry `main(registry:)` hands to the commands of this run; nil anywhere else.
    @TaskLocal static var startedWith: CloudRegistry?

    /// The registry the commands dispatch through. Reading it outside `main(registry:)` is a
    /// programming error, said loudly: an empty registry would only show as "Unknown cloud".
    static var registry: CloudRegistry {
        guard let registry = startedWith else {
            fatalError(
                "TedgeCLI.registry was read outside TedgeCLI.main(registry:). Start the command line with "
                    + "TedgeCLI.main(registry: CloudRegistry(BuiltinClouds.providers + [YourProvider()])), "
                    + "which hands the registry to every command it runs.")
        }
        return registry
    }

    public static func main(registry: CloudRegistry, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        $startedWith.withValue(registry) {
            CommandRunner.run(TedgeCommand.self, arguments: arguments)
        }
    }
}
