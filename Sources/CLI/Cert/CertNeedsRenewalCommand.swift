import ArgumentParser
import Glibc
import TedgeRuntime
import TedgeSystem

/// Exit 0 when the certificate needs renewal (expires within 30 days, or has), 1 when it is still
/// valid, 2 on error: thin-edge 1.x's contract, so a timer can run `tedge cert renew` only when due.
struct CertNeedsRenewalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "needs-renewal",
        abstract: "Exit 0 when the device certificate expires within 30 days, 1 when it is still valid, 2 on error")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let config = try global.store.load()
            if try DeviceCertificateFiles(config: config).needsRenewal() {
                Console.standardOutput.line("The device certificate needs renewal.")
                Glibc.exit(0)
            }
            Console.standardOutput.line("The device certificate is still valid.")
            Glibc.exit(1)
        } catch {
            Console.standardError.write(CommandFailure("check the device certificate's expiry", cause: error).description)
            Glibc.exit(2)
        }
    }
}
