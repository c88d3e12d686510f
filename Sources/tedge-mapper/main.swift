// tedge-mapper [--config-dir DIR] <cloud>: a small executable of its own, without the CLI's
// argument parser and Foundation, so a mapper's resident memory stays near thin-edge's 8 MiB.
import Composition
import Core
import Glibc

let usage = "usage: tedge-mapper [--config-dir DIR] <cloud>   (clouds: \(Composition.registry().ids.joined(separator: ", ")))"

func fail(_ action: String, _ error: any Error) -> Never {
    Console.standardError.write(CommandFailure(action, cause: error).description)
    exit(1)
}

var configDirectory = getenv("TEDGE_CONFIG_DIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/etc/tedge"
var cloud: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--config-dir":
        guard let value = arguments.popFirst() else { fail("start tedge-mapper", Message("--config-dir needs a directory\n\(usage)")) }
        configDirectory = value
    case _ where argument.hasPrefix("--config-dir="):
        configDirectory = String(argument.dropFirst("--config-dir=".count))
    case "-h", "--help":
        Console.standardOutput.line(usage)
        exit(0)
    case "-V", "--version":
        Console.standardOutput.line("tedge-mapper 0.1.0")
        exit(0)
    case _ where argument.hasPrefix("-"):
        fail("start tedge-mapper", Message("unknown option \(argument)\n\(usage)"))
    default:
        guard cloud == nil else { fail("start tedge-mapper", Message("only one cloud can be given\n\(usage)")) }
        cloud = argument
    }
}
guard let cloud else { fail("start tedge-mapper", Message("no cloud given\n\(usage)")) }

let shutdown = ShutdownSignal()
let registry = Composition.registry()
do {
    let provider = try registry.provider(cloud)
    let config = try ConfigStore(directory: FilePath.absolute(configDirectory), schema: registry.configSchema).load()
    try await MapperRuntime(provider: provider, config: config, log: .standardError).run(shutdown: shutdown)
} catch {
    fail("start tedge-mapper \(cloud)", error)
}
