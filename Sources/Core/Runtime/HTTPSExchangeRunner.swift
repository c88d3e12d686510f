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
                    request, host: exchange.endpoint.host, port: exchange.endpoint.port,
                    rootCertificatePath: exchange.rootCertificatePath)
                step = next(response)
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
