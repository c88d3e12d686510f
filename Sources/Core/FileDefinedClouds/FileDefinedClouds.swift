import TedgeProviderAPI
import TedgeProviderContract
import TedgeSystem
import TedgeTOML

/// The user-defined clouds of a config directory, read once at start: every `<config-dir>/mappers/<name>/` that is
/// not a built-in cloud's own directory (`az`, `c8y.<profile>`, …). Those with a readable `mapper.toml` are clouds
/// (with whatever mistakes their files hold, for `tedge mapper verify`); the rest are failures, flows-only mappers
/// (a `flows/` and no `mapper.toml`: nothing to connect) or unrecognised directories.
public struct FileDefinedClouds: Sendable {
    public let directory: String
    public private(set) var clouds: [FileDefinedCloud] = []
    public private(set) var failures: [FileDefinitionFailure] = []
    public private(set) var flowsOnly: [String] = []
    /// Directories with neither `mapper.toml` nor `flows/` (thin-edge ignores them with a warning).
    public private(set) var unrecognised: [String] = []

    public static func directory(in configDirectory: String) -> String { FileSystem.join(configDirectory, "mappers") }

    /// `builtIn`: the ids of the compiled clouds, whose directories hold their builtin flows and rules, not a definition.
    public init(configDirectory: String, builtIn: [String]) {
        directory = Self.directory(in: configDirectory)
        for name in FileSystem.directoryNames(in: directory) {
            let base = String(name.prefix { $0 != "." })
            if builtIn.contains(base) { continue }
            let path = FileSystem.join(directory, name)
            if FileSystem.exists(FileSystem.join(path, "mapper.toml")) {
                switch FileDefinedCloudLoader.load(name: name, directory: path) {
                case .success(let cloud): clouds.append(cloud)
                case .failure(let failure): failures.append(failure)
                }
            } else if FileSystem.isDirectory(FileSystem.join(path, "flows")) {
                flowsOnly.append(name)
            } else {
                unrecognised.append(name)
            }
        }
    }

    public func cloud(_ name: String) -> FileDefinedCloud? { clouds.first { $0.id == name } }

    public func failure(_ name: String) -> FileDefinitionFailure? { failures.first { $0.name == name } }

    /// A cloud whose definition can no longer be read, as far as removing its connection needs (its name names the
    /// bridge file and the mapper service): so `tedge disconnect` still works after the files were broken.
    public func remnant(_ name: String) -> FileDefinedCloud? {
        guard let failure = failure(name), (try? MapperName.validate(name)) != nil else { return nil }
        var reader = DefinitionReader(cloud: name, file: FileSystem.join(failure.directory, MapperDefinition.fileName))
        let definition = MapperDefinition(parsing: TOMLTable(), directory: failure.directory, reader: &reader)
        return FileDefinedCloud(
            name: name, directory: failure.directory, definition: definition, ruleFiles: [], problems: failure.problems)
    }

    /// `registry` with these clouds after its own.
    public func adding(to registry: CloudRegistry) -> CloudRegistry { CloudRegistry(registry.providers + clouds) }

    /// Why `name` is not a cloud that can be connected, when a directory of that name exists; nil otherwise.
    public func whyNotACloud(_ name: String) -> TedgeError? {
        if let failure = failure(name) {
            return TedgeError(FileDefinedCloud.report(failure.problems, directory: failure.directory))
        }
        if flowsOnly.contains(name) {
            return TedgeError(
                "\(FileSystem.join(directory, name)) has flows but no mapper.toml: it maps locally and connects to no cloud.")
        }
        if unrecognised.contains(name) {
            return TedgeError(
                "Unrecognised mapper directory '\(FileSystem.join(directory, name))': no 'mapper.toml' or 'flows/' found.")
        }
        return nil
    }
}
