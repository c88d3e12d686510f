import Foundation
import TedgeFileDefinedClouds
import TedgeProviderAPI
import TedgeTestSupport

/// A config directory of the test's own with one user-defined cloud under `mappers/<name>/`, the example's
/// (`Examples/UserDefinedCloud/thingsboard`) unless the test writes its own files.
final class DefinitionDirectory {
    let temporary = TemporaryDirectory()
    let name: String

    static let example: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Examples/UserDefinedCloud/thingsboard"
    }()

    init(name: String = "thingsboard", copyingExample: Bool = true) {
        self.name = name
        try! FileManager.default.createDirectory(atPath: mapperDirectory, withIntermediateDirectories: true)
        guard copyingExample else { return }
        try! FileManager.default.removeItem(atPath: mapperDirectory)
        try! FileManager.default.copyItem(atPath: Self.example, toPath: mapperDirectory)
    }

    var configDirectory: String { temporary.path }
    var mapperDirectory: String { temporary.path + "/mappers/" + name }
    func path(_ file: String) -> String { mapperDirectory + "/" + file }

    func write(_ file: String, _ text: String) {
        try! FileManager.default.createDirectory(
            atPath: (path(file) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: path(file), atomically: true, encoding: .utf8)
    }

    func text(_ file: String) -> String { try! String(contentsOfFile: path(file), encoding: .utf8) }

    /// Replaces the one occurrence of `old` in `file`.
    func replace(_ old: String, with new: String, in file: String) {
        let text = text(file)
        precondition(text.components(separatedBy: old).count == 2, "'\(old)' is not once in \(file)")
        write(file, text.replacingOccurrences(of: old, with: new))
    }

    /// The line (from 1) of the first line of `file` that contains `text`.
    func line(of text: String, in file: String) -> Int {
        let lines = self.text(file).split(separator: "\n", omittingEmptySubsequences: false)
        return lines.firstIndex { $0.contains(text) }! + 1
    }

    func load() -> Result<FileDefinedCloud, FileDefinitionFailure> {
        FileDefinedCloudLoader.load(name: name, directory: mapperDirectory)
    }

    func cloud() -> FileDefinedCloud { try! load().get() }

    /// The configuration `tedge` would load: Core's keys with the cloud's, in this directory.
    func config(_ cloud: FileDefinedCloud, stored: [String: String] = [:]) -> TedgeConfig {
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: cloud.configKeys), directory: configDirectory)
        for (name, value) in stored { try! config.set(config.schema.key(named: name)!, to: value) }
        return config
    }
}
