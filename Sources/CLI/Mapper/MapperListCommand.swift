import ArgumentParser
import TedgeFileDefinedClouds
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

/// `tedge mapper list`, as thin-edge prints it: one line per directory under `mappers/`, a cloud's with its url and
/// device id (and where the id comes from), tab-separated; the others by name alone.
struct MapperListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the mappers and their cloud endpoint")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let definitions = global.definitions
        let config: TedgeConfig
        do { config = try global.store.load() } catch { throw CommandFailure("list available mappers", cause: error) }
        var lines: [(String, String)] = definitions.clouds.map { cloud in
            let url = config.value("\(cloud.id).url") ?? ""
            return (cloud.id, "\(cloud.id)\t\(url)\t\(deviceID(of: cloud, config: config))\t")
        }
        lines += (definitions.failures.map(\.name) + definitions.flowsOnly + definitions.unrecognised).map { ($0, $0) }
        guard !lines.isEmpty else {
            Console.standardError.line("No mappers found under '\(definitions.directory)'")
            return
        }
        for (_, line) in lines.sorted(by: { $0.0 < $1.0 }) { Console.standardOutput.line(line) }
    }

    /// The client id the cloud sees, tagged with where it comes from; empty when the certificate cannot be read.
    private func deviceID(of cloud: FileDefinedCloud, config: TedgeConfig) -> String {
        let key = "\(cloud.id).device.id"
        if let id = config.value(key) {
            return config.schema.key(named: key).flatMap(config.storedValue(of:)) != nil
                ? "\(id) [tedge.toml]" : "\(id) [mapper.toml]"
        }
        guard let id = try? DeviceCertificateFiles(config: config, cloud: cloud).deviceID() else { return "" }
        return "\(id) [cert CN]"
    }
}
