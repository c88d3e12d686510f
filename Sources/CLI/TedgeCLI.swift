import TedgeProviderAPI

/// The `tedge` command line as a library: an executable is `TedgeCLI.main(registry:)` with the
/// clouds it knows, so a package outside this tree builds its own `tedge` with its own providers.
public enum TedgeCLI {
    /// The registry the commands of this run dispatch through, handed in once at start.
    @TaskLocal static var registry = CloudRegistry([])

    public static func main(registry: CloudRegistry, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        $registry.withValue(registry) {
            CommandRunner.run(TedgeCommand.self, arguments: arguments)
        }
    }
}
