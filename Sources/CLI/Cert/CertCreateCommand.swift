import ArgumentParser
import TedgeRuntime
import TedgeSystem

struct CertCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a self-signed device certificate")

    @Option(name: .customLong("device-id"), help: "The device identifier to be used as the common name for the certificate")
    var deviceID: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let action = "create a test certificate for the device \(deviceID)."
        do {
            let config = try global.store.load()
            try DeviceCertificateFiles(config: config).create(deviceID: deviceID)
        } catch {
            throw CommandFailure(action, cause: error)
        }
    }
}
