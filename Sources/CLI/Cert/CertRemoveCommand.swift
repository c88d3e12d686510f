import ArgumentParser
import TedgeOpenSSL
import TedgeRuntime
import TedgeSystem

struct CertRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove the device certificate")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let config = try global.store.load()
            let removed = try DeviceCertificateFiles(config: config).remove()
            Console.standardOutput.line(removed ? "Certificate was successfully removed" : "There is no certificate to remove")
        } catch {
            throw CommandFailure("remove the device certificate", cause: error)
        }
    }
}
