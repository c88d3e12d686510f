/// An HTTPS conversation a provider describes and the runtime carries out (`tedge cert upload`):
/// the endpoint, the CA to verify it with, and the first step; each response decides the next step.
public struct HTTPSExchange: Sendable {
    public var endpoint: HostAndPort
    public var rootCertificatePath: String
    public var first: Step

    public init(endpoint: HostAndPort, rootCertificatePath: String, first: Step) {
        self.endpoint = endpoint
        self.rootCertificatePath = rootCertificatePath
        self.first = first
    }

    public indirect enum Step: Sendable {
        /// Send the request; the response gives the next step.
        case request(HTTPRequest, then: @Sendable (HTTPResponse) -> Step)
        /// Done: print `report`.
        case finished(report: String)
        /// Failed: print `report` (when there is one), then fail with `error`.
        case failed(report: String?, error: TedgeError)
    }
}
