import ArgumentParser
import Glibc
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

struct CertInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the certificate a CA issued for the device key (after `tedge cert create-csr`)")

    @Argument(help: "The PEM certificate the CA returned")
    var file: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let config = try global.store.load()
            let pem: String
            do { pem = try FileSystem.readText(FileSystem.absolute(file)) } catch {
                throw TedgeError("Cannot read the certificate file \(file): \(error)")
            }
            let summary = try DeviceCertificateFiles(config: config).install(pem: pem)
            Console.standardOutput.line("Certificate installed: \(summary.path)")
            for line in summary.lines(now: Int(time(nil))).dropFirst() { Console.standardOutput.line(line) }
        } catch {
            throw CommandFailure("install the device certificate", cause: error)
        }
    }
}
