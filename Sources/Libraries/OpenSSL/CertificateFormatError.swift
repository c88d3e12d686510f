/// Why a file could not be read as an X.509 certificate.
public enum CertificateFormatError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The text holds no well-formed PEM certificate block.
    case pem
    /// The PEM block decoded, but its DER is not an X.509 certificate.
    case x509(String)

    public var description: String {
        switch self {
        case .pem: return "PEM file format error"
        case .x509(let detail): return "X509 file format error: \(detail)"
        }
    }
}
