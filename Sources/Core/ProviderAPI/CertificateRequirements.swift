/// What the cloud expects of the device certificate, and what the user must do in the cloud.
public struct CertificateRequirements: Sendable, Equatable {
    /// The bridge authenticates with the device certificate (mutual TLS).
    public var clientCertificateRequired: Bool
    /// What to do in the cloud before connecting, e.g. register the thumbprint.
    public var registrationHint: String
    /// The root CA the cloud's server certificates chain to (Azure: `DigiCert Global Root G2`), named
    /// when the configured root has expired; nil when the cloud names none.
    public var recommendedRootCertificate: String?
    /// What to do in the cloud after `tedge cert renew` so the device keeps connecting (Azure: the new
    /// thumbprint as secondary, then primary); the registration hint when the cloud says nothing else.
    public var renewalHint: String

    public init(
        clientCertificateRequired: Bool, registrationHint: String, recommendedRootCertificate: String? = nil,
        renewalHint: String? = nil
    ) {
        self.clientCertificateRequired = clientCertificateRequired
        self.registrationHint = registrationHint
        self.recommendedRootCertificate = recommendedRootCertificate
        self.renewalHint = renewalHint ?? registrationHint
    }
}
