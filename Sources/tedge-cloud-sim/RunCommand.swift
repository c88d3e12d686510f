import ArgumentParser
import Dispatch
import Glibc
import TedgeCloudSimulator
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "Run the simulator until SIGTERM or SIGINT; prints `ready tls_port=... backend_port=... https_port=... ca=... id_scope=...`"
    )

    @OptionGroup var directory: DirectoryOption

    @Option(name: .customLong("port"), help: "TLS port for devices (0: any free port)")
    var tlsPort = 0

    @Option(name: .customLong("backend-port"), help: "Plain MQTT port of the cloud-side broker, for observers (0: any free port)")
    var backendPort = 0

    @Option(
        name: .customLong("max-tls"),
        help: "Highest TLS version to offer (1.2, 1.3; 1.1 offers exactly TLS 1.1), to test that clients refuse old ones")
    var maximumTLS: String?

    @Option(
        name: .customLong("echo"),
        help: ArgumentHelp(
            "Answer a device message on FILTER with its payload on TOPIC (a generic cloud's connection check); TOPIC's + and # take what FILTER's matched. Repeatable",
            valueName: "FILTER=TOPIC"))
    var echo: [String] = []

    func run() async throws {
        let rules: [EchoRule]
        do { rules = try echo.map { text throws(TedgeError) in try EchoRule(parsing: text) } } catch {
            Console.standardError.write(CommandFailure("start the cloud simulator", cause: error).description)
            throw ExitCode.failure
        }
        let simulator = CloudSimulator(
            directory: SimulatorDirectory(path: directory.path), log: .standardOutput, echoRules: rules)
        let maximum: TLSVersion? =
            switch maximumTLS {
            case "1.1": .tls11
            case "1.2": .tls12
            case "1.3": .tls13
            default: nil
            }
        do {
            try await simulator.start(tlsPort: tlsPort, backendPort: backendPort, maximumTLSVersion: maximum)
        } catch {
            simulator.stop()
            Console.standardError.write(CommandFailure("start the cloud simulator", cause: error).description)
            throw ExitCode.failure
        }
        Console.standardOutput.line(
            "ready tls_port=\(simulator.tlsPort) backend_port=\(simulator.backendPort) https_port=\(simulator.httpsPort) ca=\(simulator.directory.caPath) id_scope=\((try? simulator.directory.idScope()) ?? "-")"
        )
        let shutdown = ShutdownSignal()
        _ = await shutdown.wait()
        simulator.stop()
    }
}
