import ArgumentParser
import Glibc
import TedgeRuntime
import TedgeSystem

struct CertShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the device certificate, if any")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let config = try global.store.load()
            let summary = try DeviceCertificateFiles(config: config).summary()
            for line in summary.lines(now: Int(time(nil))) { Console.standardOutput.line(line) }
        } catch {
            throw CommandFailure("show the device certificate", cause: error)
        }
    }
}
