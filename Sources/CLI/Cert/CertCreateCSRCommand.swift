import ArgumentParser
import TedgeOpenSSL
import TedgeRuntime
import TedgeSystem

struct CertCreateCSRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-csr",
        abstract: "Create a certificate signing request for the device key, to get a CA-signed certificate")

    @Option(name: .customLong("device-id"), help: "The device identifier (default: the common name of the current certificate)")
    var deviceID: String?

    @Option(name: .customLong("output-path"), help: "Where to write the CSR (default: device.csr.path)")
    var outputPath: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let config = try global.store.load()
            let path = try DeviceCertificateFiles(config: config)
                .createSigningRequest(deviceID: deviceID, outputPath: outputPath.map(FileSystem.absolute))
            Console.standardOutput.line("Certificate signing request written to \(path)")
        } catch {
            throw CommandFailure("create a certificate signing request", cause: error)
        }
    }
}
