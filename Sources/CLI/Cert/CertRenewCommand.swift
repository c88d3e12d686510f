import ArgumentParser
import Glibc
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

struct CertRenewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew",
        abstract: "Renew the self-signed device certificate: same key and subject, validity restarted")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let config = try global.store.load()
            let summary = try DeviceCertificateFiles(config: config).renew()
            Console.standardOutput.line("Certificate renewed: \(summary.path)")
            Console.standardOutput.line("Valid up to: \(RFC2822.format(epochSeconds: summary.notAfter))")
            Console.standardOutput.line("Thumbprint: \(summary.thumbprint)")
            Console.standardOutput.line("")
            Console.standardOutput.line(
                "Register the new certificate in each cloud the device uses, then reconnect (`tedge disconnect <cloud>`, `tedge connect <cloud>`):"
            )
            for provider in global.registry.providers {
                Console.standardOutput.line("  \(provider.id): \(provider.certificateRequirements.renewalHint)")
            }
        } catch {
            throw CommandFailure("renew the device certificate", cause: error)
        }
    }
}
