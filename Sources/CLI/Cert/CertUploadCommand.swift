import ArgumentParser
import Glibc
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

struct CertUploadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload the device certificate to the cloud (Cumulocity: the tenant's trusted certificates)")

    @Argument(help: "The cloud to upload to (c8y)")
    var cloud: String

    @Option(help: "The user allowed to manage the tenant's trusted certificates")
    var user: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let provider = try global.registry.provider(cloud)
            let config = try global.store.load()
            let files = DeviceCertificateFiles(config: config)
            let pem: String
            do { pem = try files.readCertificatePEM() } catch {
                throw TedgeError(
                    "Certificate read error at: \"\(files.certificatePath)\"\nRun `tedge cert create` if you want to create a new certificate."
                )
            }
            let request = CertificateUploadRequest(
                config: config, deviceID: try files.deviceID(), certificatePEM: pem,
                user: user, password: try Self.password())
            guard let exchange = try provider.certificateUpload(request) else {
                throw TedgeError(
                    "The \(provider.cloudName) cloud takes no certificate upload from tedge. \(provider.certificateRequirements.registrationHint)"
                )
            }
            try HTTPSExchangeRunner(console: .standardOutput).run(exchange)
        } catch {
            throw CommandFailure("upload root certificate", cause: error)
        }
    }

    /// `C8YPASS`, else asked on the terminal without echo.
    static func password() throws(TedgeError) -> String {
        if let value = getenv("C8YPASS") { return String(cString: value) }
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else { throw TedgeError("No password: set C8YPASS, or run on a terminal to be asked for it.") }
        defer { close(tty) }
        _ = "Enter password: ".withCString { write(tty, $0, strlen($0)) }
        var saved = termios()
        let hasTerminal = tcgetattr(tty, &saved) == 0
        if hasTerminal {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(tty, TCSANOW, &silent)
        }
        defer {
            if hasTerminal { tcsetattr(tty, TCSANOW, &saved) }
            _ = "\n".withCString { write(tty, $0, 1) }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
