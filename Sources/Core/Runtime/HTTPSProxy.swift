import Glibc
import TedgeProviderAPI

/// The proxy an HTTPS request goes through, from `HTTPS_PROXY` / `https_proxy` (curl's convention),
/// skipped for hosts that `NO_PROXY` / `no_proxy` lists (`*`, exact names, or domain suffixes).
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
        guard let url = environment["HTTPS_PROXY"] ?? environment["https_proxy"], !url.isEmpty else { return nil }
        let exclusions = (environment["NO_PROXY"] ?? environment["no_proxy"] ?? "").split(separator: ",")
            .map { $0.trimmingSpaces().lowercased() }.filter { !$0.isEmpty }
        let target = targetHost.lowercased()
        for exclusion in exclusions {
            let domain = exclusion.hasPrefix(".") ? String(exclusion.dropFirst()) : exclusion
            if exclusion == "*" || target == domain || target.hasSuffix("." + domain) { return nil }
        }
        return try parse(url)
    }

    /// `http://host:port`, `host:port` or `http://user@host:port/` (credentials are not supported).
    static func parse(_ url: String) throws(TedgeError) -> HTTPSProxy {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") {
            guard rest[..<scheme.lowerBound].lowercased() == "http" else {
                throw TedgeError("Invalid HTTPS_PROXY '\(url)': only http:// proxies are supported.")
            }
            rest = rest[scheme.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        guard !rest.contains("@") else { throw TedgeError("Invalid HTTPS_PROXY '\(url)': proxy credentials are not supported.") }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty, parts.count <= 2 else { throw TedgeError("Invalid HTTPS_PROXY '\(url)'.") }
        guard parts.count == 2 else { return HTTPSProxy(host: String(host), port: 80) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else {
            throw TedgeError("Invalid HTTPS_PROXY '\(url)': bad port.")
        }
        return HTTPSProxy(host: String(host), port: port)
    }

    public static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        for name in ["HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"] {
            if let value = getenv(name) { result[name] = String(cString: value) }
        }
        return result
    }
}
