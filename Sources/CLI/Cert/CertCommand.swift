import ArgumentParser

struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Create and manage device certificate",
        subcommands: [
            CertCreateCommand.self, CertCreateCSRCommand.self, CertInstallCommand.self, CertShowCommand.self,
            CertRenewCommand.self, CertNeedsRenewalCommand.self, CertRemoveCommand.self, CertUploadCommand.self,
        ])
}
