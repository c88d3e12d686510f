import Glibc
import TedgeHTTPProxy
import TedgeProviderAPI

/// The proxy an HTTPS request goes through, from `HTTPS_PROXY` / `https_proxy` (curl's convention),
/// skipped for hosts that `NO_PROXY` / `no_proxy` lists (`*`, exact names, or domain suffixes). The URL and
/// the list are read as the built-in bridge reads them (`TedgeHTTPProxy`).
public struct HTTPSProxy: Sendable, Equatable {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The proxy for `targetHost` according to the environment, nil for a direct connection.
    public static func forHost(_ targetHost: String, environment: [String: String] = currentEnvironment()) throws(TedgeError)
        -> HTTPSProxy?
    {
        try HTTPProxy.environmentURL(for: targetHost, in: environment).map(parse)
    }

    /// `http://host:port`, `host:port` or `http://host:port/` (credentials are not supported).
    static func parse(_ url: String) throws(TedgeError) -> HTTPSProxy {
        let proxy: HTTPProxy
        do { proxy = try HTTPProxy.parse(url) } catch {
            throw TedgeError("Invalid HTTPS_PROXY '\(url)': \(error.reason).")
        }
        guard proxy.username == nil else {
            throw TedgeError("Invalid HTTPS_PROXY '\(url)': proxy credentials are not supported.")
        }
        return HTTPSProxy(host: proxy.host, port: proxy.port)
    }

    public static func currentEnvironment() -> [String: String] { HTTPProxy.currentEnvironment() }
}
