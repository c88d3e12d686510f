/// What the cloud expects of the device certificate, and what the user must do in the cloud.
public struct CertificateRequirements: Sendable, Equatable {
    /// The bridge authenticates with the device certificate (mutual TLS).
    public var clientCertificateRequired: Bool
    /// What to do in the cloud before connecting, e.g. register the thumbprint.
    public var registrationHint: String
    /// The root CA the cloud's server certificates chain to (Azure: `DigiCert Global Root G2`), named
    /// when the configured root has expired; nil when the cloud names none.
    public var recommendedRootCertificate: String?

    public init(clientCertificateRequired: Bool, registrationHint: String, recommendedRootCertificate: String? = nil) {
        self.clientCertificateRequired = clientCertificateRequired
        self.registrationHint = registrationHint
        self.recommendedRootCertificate = recommendedRootCertificate
    }
}
