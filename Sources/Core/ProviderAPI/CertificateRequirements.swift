/// What the cloud expects of the device certificate, and what the user must do in the cloud.
public struct CertificateRequirements: Sendable, Equatable {
    /// The bridge authenticates with the device certificate (mutual TLS).
    public var clientCertificateRequired: Bool
    /// What to do in the cloud before connecting, e.g. register the thumbprint.
    public var registrationHint: String

    public init(clientCertificateRequired: Bool, registrationHint: String) {
        self.clientCertificateRequired = clientCertificateRequired
        self.registrationHint = registrationHint
    }
}
