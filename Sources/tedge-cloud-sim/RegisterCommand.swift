import ArgumentParser
import TedgeCloudSimulator
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract:
            "Register a device by its certificate's SHA-1 thumbprint (primary or secondary), or a verified CA, as in the Azure portal"
    )

    @OptionGroup var directory: DirectoryOption

    @Option(help: "The device certificate (PEM); its CN is the device id and its SHA-1 the thumbprint")
    var certificate: String?

    @Option(name: .customLong("device-id"), help: "The device id, when registering by thumbprint")
    var deviceID: String?

    @Option(help: "The SHA-1 thumbprint, as `tedge cert show` prints it")
    var thumbprint: String?

    @Flag(help: "Register the thumbprint as the device's secondary one (certificate rollover); the primary stays")
    var secondary = false

    @Option(help: "A CA certificate (PEM): every device certificate it signed is accepted, its CN being the device id")
    var ca: String?

    func run() throws {
        do {
            let simulator = SimulatorDirectory(path: directory.path)
            let slot: SimulatorDirectory.ThumbprintSlot = secondary ? .secondary : .primary
            if let ca {
                let authority = try simulator.registerCertificateAuthority(pem: try FileSystem.readText(ca))
                Console.standardOutput.line("Registered CA \(authority.subject) with thumbprint \(authority.sha1Thumbprint)")
            } else if let certificate {
                let summary = try CertificateSummary(path: certificate, pem: try FileSystem.readText(certificate))
                let id = try Certificate(pem: try FileSystem.readText(certificate)).subject.commonName ?? ""
                try simulator.register(deviceID: deviceID ?? id, thumbprint: summary.thumbprint, slot: slot)
                Console.standardOutput.line(
                    "Registered device \(deviceID ?? id) with \(slot.rawValue) thumbprint \(summary.thumbprint)")
            } else if let deviceID, let thumbprint {
                try simulator.register(deviceID: deviceID, thumbprint: thumbprint, slot: slot)
                Console.standardOutput.line("Registered device \(deviceID) with \(slot.rawValue) thumbprint \(thumbprint)")
            } else {
                throw TedgeError("Give --certificate PATH, --device-id ID and --thumbprint T, or --ca PATH")
            }
        } catch {
            Console.standardError.write(CommandFailure("register the device", cause: error).description)
            throw ExitCode.failure
        }
    }
}
