import TedgeProviderAPI
import TedgeProviderContract

/// Where each part of a file-defined cloud was written, so `tedge mapper verify` prints every violation with its
/// file and line; and what its files get wrong for a given configuration.
extension FileDefinedCloud: DefinedInFiles {
    public func location(of subject: ContractSubject, config: TedgeConfig) -> DefinitionLocation? {
        func inMapperFile(_ line: Int?) -> DefinitionLocation { DefinitionLocation(file: mapperFile, line: line) }
        switch subject {
        case .identity: return DefinitionLocation(file: directory, line: nil)
        case .configKey(let name):
            let lines: [String: Int?] = [
                urlConfigKey.name: definition.url?.line, rootCertificateConfigKey.name: definition.rootCertificatePath?.line,
                deviceIDKey.name: definition.deviceID?.line, certificatePathKey.name: definition.certificatePath?.line,
                keyPathKey.name: definition.keyPath?.line,
            ]
            return inMapperFile(lines[name] ?? nil)
        case .bridge: return inMapperFile(definition.url?.line ?? definition.lines["bridge"])
        case .bridgeTopic(let topic):
            return expandedBridgeRules(config).rules.first { $0.bridgeTopic == topic }?.location
                ?? DefinitionLocation(file: bridgeDirectory, line: nil)
        case .connectionCheck: return inMapperFile(definition.connectionCheckLine)
        case .mapper: return DefinitionLocation(file: flowsDirectory, line: nil)
        case .certificate: return inMapperFile(definition.lines["certificate"])
        }
    }

    public func fileViolations(config: TedgeConfig) -> [ContractViolation] {
        var problems = loadProblems + expandedBridgeRules(config).problems
        problems += FlowFileCheck.loadViolations(
            in: flowsDirectory, cloud: id, parameters: definition.parameters,
            reported: Set(loadProblems.compactMap { $0.location?.file }))
        if config.value(of: urlConfigKey) == nil {
            problems.append(
                ContractViolation(
                    provider: id, rule: "a connect knows the cloud's endpoint",
                    detail: "no `url` in mapper.toml, and \(urlConfigKey.name) is not set",
                    location: DefinitionLocation(file: mapperFile, line: nil)))
        }
        return problems
    }
}
