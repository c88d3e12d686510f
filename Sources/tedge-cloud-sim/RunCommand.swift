import ArgumentParser
import Dispatch
import Glibc
import TedgeCloudSimulator
import TedgeOpenSSL
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

    func run() async throws {
        let simulator = CloudSimulator(directory: SimulatorDirectory(path: directory.path), log: .standardOutput)
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
