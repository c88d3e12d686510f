import TedgeProviderAPI
import TedgeProviderContract
import TedgeSystem

/// Reads one user-defined cloud from `<config-dir>/mappers/<name>/`: `mapper.toml`, the rule files of `bridge/`
/// (`*.toml` in name order; `.toml.disabled` and `.toml.template` are not rules) and the flow files of `flows/`.
/// Core reads; the `FileDefinedCloud` it makes only describes. Every mistake is kept with its file and line; a
/// `mapper.toml` that cannot be read or is not TOML leaves no cloud at all.
public enum FileDefinedCloudLoader {
    public static func load(name: String, directory: String) -> Result<FileDefinedCloud, FileDefinitionFailure> {
        let mapperFile = FileSystem.join(directory, MapperDefinition.fileName)
        var reader = DefinitionReader(cloud: name, file: mapperFile)
        do { try MapperName.validate(name) } catch {
            reader.problem("mapper names are thin-edge's", error.description, line: nil)
            return .failure(FileDefinitionFailure(name: name, directory: directory, problems: reader.problems))
        }
        let text: String
        do { text = try FileSystem.readText(mapperFile) } catch {
            reader.problem("a user-defined cloud has a mapper.toml", error.description, line: nil)
            return .failure(FileDefinitionFailure(name: name, directory: directory, problems: reader.problems))
        }
        guard let table = reader.parse(text) else {
            return .failure(FileDefinitionFailure(name: name, directory: directory, problems: reader.problems))
        }
        let definition = MapperDefinition(parsing: table, directory: directory, reader: &reader)
        check(definition, reader: &reader)
        var problems = reader.problems

        var ruleFiles: [BridgeRuleFile] = []
        let bridgeDirectory = FileSystem.join(directory, "bridge")
        for file in FileSystem.regularFileNames(in: bridgeDirectory) where file.hasSuffix(".toml") {
            let path = FileSystem.join(bridgeDirectory, file)
            var fileReader = DefinitionReader(cloud: name, file: path)
            if let text = try? FileSystem.readText(path), let rules = fileReader.parse(text) {
                ruleFiles.append(BridgeRuleFile(parsing: rules, path: path, reader: &fileReader))
            } else if fileReader.problems.isEmpty {
                fileReader.problem("definition files are valid TOML", "the file cannot be read", line: nil)
            }
            problems += fileReader.problems
        }
        problems += FlowFileCheck.violations(in: FileSystem.join(directory, "flows"), cloud: name)
        return .success(
            FileDefinedCloud(name: name, directory: directory, definition: definition, ruleFiles: ruleFiles, problems: problems))
    }

    /// What a connect needs of `mapper.toml` beyond its syntax.
    private static func check(_ definition: MapperDefinition, reader: inout DefinitionReader) {
        // thin-edge's texts for half a certificate identity.
        switch (definition.certificatePath, definition.keyPath) {
        case (let certificate?, nil):
            reader.problem(
                "the device certificate and key are given together",
                "'device.cert_path' is set but 'device.key_path' is missing. Both must be provided for certificate authentication.",
                line: certificate.line)
        case (nil, let key?):
            reader.problem(
                "the device certificate and key are given together",
                "'device.key_path' is set but 'device.cert_path' is missing. Both must be provided for certificate authentication.",
                line: key.line)
        default: break
        }
        let authentication = "the connection authenticates with the device certificate"
        if definition.authMethod.value == .password {
            reader.problem(
                authentication, "auth_method \"password\" is not supported: the bridge authenticates with the device certificate",
                line: definition.authMethod.line)
        } else if let credentials = definition.credentialsPath, definition.authMethod.value == .auto {
            reader.problem(
                authentication,
                "credentials_path makes auth_method \"auto\" use a password, which is not supported: remove it or set auth_method = \"certificate\"",
                line: credentials.line)
        }
        if let url = definition.url, case let port = (try? HostAndPort(parsing: url.value, defaultPort: 8883))?.port,
            definition.tls.value == .false || (definition.tls.value == .auto && port == 1883)
        {
            reader.problem(
                "the connection uses TLS",
                "plain MQTT (tls.enable = \"\(definition.tls.value.rawValue)\" to port \(port.map(String.init) ?? "?")) is not supported: the bridge always uses TLS",
                line: definition.tls.line ?? url.line)
        }
        if let cloudType = definition.cloudType {
            reader.problem(
                "cloud_type is for the built-in clouds only",
                "cloud_type = \"\(cloudType.value)\" in a user-defined cloud (c8y, az and aws are built in)",
                line: cloudType.line)
        }
        if definition.connectionCheck == nil, definition.connectionCheckLine == nil {
            reader.problem(
                "a connect has a connection check",
                "no [connection_check]: say what to publish (topic, payload) and where the cloud answers (response_topic)",
                line: nil)
        }
    }
}
