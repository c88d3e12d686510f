import TedgeProviderAPI
import TedgeSystem

/// Carries out a provider's `HTTPSExchange`: each request over `HTTPSClient`, each response handed
/// back to the provider's description for the next step; reports go to the console.
public struct HTTPSExchangeRunner: Sendable {
    public let console: Console

    public init(console: Console) { self.console = console }

    public func run(_ exchange: HTTPSExchange) throws {
        var step = exchange.first
        while true {
            switch step {
            case .request(let request, let next):
                let response = try HTTPSClient.send(
                    method: request.method, host: exchange.endpoint.host, port: exchange.endpoint.port, path: request.path,
                    headers: request.headers.map { ($0.name, $0.value) }, body: request.body,
                    rootCertificatePath: exchange.rootCertificatePath)
                step = next(HTTPResponse(status: response.status, body: response.body))
            case .finished(let report):
                console.line(report)
                return
            case .failed(let report, let error):
                if let report { console.line(report) }
                throw error
            }
        }
    }
}
