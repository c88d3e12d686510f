/// What a provider needs to know to describe its bridge and check: the resolved configuration.
public struct ConnectionContext: Sendable {
    public let deviceID: String
    public let cloud: HostAndPort
    public let rootCertificatePath: String
    public let certificatePath: String
    public let keyPath: String
    public let config: TedgeConfig

    public init(
        deviceID: String, cloud: HostAndPort, rootCertificatePath: String, certificatePath: String,
        keyPath: String, config: TedgeConfig
    ) {
        self.deviceID = deviceID
        self.cloud = cloud
        self.rootCertificatePath = rootCertificatePath
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.config = config
    }
}
