import ArgumentParser
import TedgeCloudSimulator
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

struct EnrollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract:
            "Enroll a device certificate (individual) or a CA (group) in the simulated Device Provisioning Service; prints the id scope"
    )

    @OptionGroup var directory: DirectoryOption

    @Option(help: "A device certificate (PEM): an individual enrollment, its CN being the registration id")
    var certificate: String?

    @Option(help: "A CA certificate (PEM): an enrollment group of every device certificate it signed")
    var ca: String?

    @Flag(help: "Make the enrollment disabled: DPS then refuses to assign the device")
    var disable = false

    func run() throws {
        do {
            let simulator = SimulatorDirectory(path: directory.path)
            guard let path = ca ?? certificate, (ca == nil) != (certificate == nil) else {
                throw TedgeError("Give either --certificate PATH or --ca PATH")
            }
            try simulator.prepare()
            let scope = try simulator.idScope()
            let (enrolled, isGroup) = try simulator.enroll(pem: try FileSystem.readText(path), enabled: !disable)
            let kind = isGroup ? "an enrollment group for the CA" : "an individual enrollment for"
            Console.standardOutput.line("Enrolled \(kind) \(enrolled.subject)\(disable ? " (disabled)" : "") in scope \(scope)")
            Console.standardOutput.line("id_scope=\(scope)")
        } catch {
            Console.standardError.write(CommandFailure("enroll in the Device Provisioning Service", cause: error).description)
            throw ExitCode.failure
        }
    }
}
