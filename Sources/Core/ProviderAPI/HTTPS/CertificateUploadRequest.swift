/// What `tedge cert upload <cloud> --user <name>` hands to the provider.
public struct CertificateUploadRequest: Sendable {
    public let config: TedgeConfig
    public let deviceID: String
    public let certificatePEM: String
    public let user: String
    public let password: String

    public init(config: TedgeConfig, deviceID: String, certificatePEM: String, user: String, password: String) {
        self.config = config
        self.deviceID = deviceID
        self.certificatePEM = certificatePEM
        self.user = user
        self.password = password
    }
}
