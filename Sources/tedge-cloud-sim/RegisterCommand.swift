import ArgumentParser
import TedgeCloudSimulator
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Register a device by its certificate's SHA-1 thumbprint, as in the Azure portal")

    @OptionGroup var directory: DirectoryOption

    @Option(help: "The device certificate (PEM); its CN is the device id and its SHA-1 the thumbprint")
    var certificate: String?

    @Option(name: .customLong("device-id"), help: "The device id, when registering by thumbprint")
    var deviceID: String?

    @Option(help: "The SHA-1 thumbprint, as `tedge cert show` prints it")
    var thumbprint: String?

    func run() throws {
        do {
            let simulator = SimulatorDirectory(path: directory.path)
            if let certificate {
                let summary = try CertificateSummary(path: certificate, pem: try FileSystem.readText(certificate))
                let id = try Certificate(pem: try FileSystem.readText(certificate)).subject.commonName ?? ""
                try simulator.register(deviceID: deviceID ?? id, thumbprint: summary.thumbprint)
                Console.standardOutput.line("Registered device \(deviceID ?? id) with thumbprint \(summary.thumbprint)")
            } else if let deviceID, let thumbprint {
                try simulator.register(deviceID: deviceID, thumbprint: thumbprint)
                Console.standardOutput.line("Registered device \(deviceID) with thumbprint \(thumbprint)")
            } else {
                throw TedgeError("Give --certificate PATH, or --device-id ID and --thumbprint T")
            }
        } catch {
            Console.standardError.write(CommandFailure("register the device", cause: error).description)
            throw ExitCode.failure
        }
    }
}
