/// An HTTP proxy to tunnel through: `http://[user[:password]@]host[:port][/]` or `host:port`. The bridge reads it
/// from `proxy.address` (credentials from `proxy.username`/`proxy.password`) or `HTTPS_PROXY`; hosts that the
/// exclusion list (`proxy.no_proxy`, `NO_PROXY`) names are reached directly.
public struct HTTPProxy: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// The reason a proxy URL is refused, for the caller's error.
    public struct Invalid: Error, Equatable, Sendable {
        public let reason: String
    }

    public static func parse(_ url: String) throws(Invalid) -> HTTPProxy {
        var rest = Substring(url)
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") {
            guard rest[..<colon].lowercased() == "http" else { throw Invalid(reason: "only http:// proxies are supported") }
            rest = rest[rest.index(colon, offsetBy: 3)...]
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            username = credentials.first.map(String.init)
            password = credentials.count == 2 ? String(credentials[1]) : nil
            rest = rest[rest.index(after: at)...]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty, parts.count <= 2 else { throw Invalid(reason: "no host") }
        guard parts.count == 2 else { return HTTPProxy(host: String(host), port: 80, username: username, password: password) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else { throw Invalid(reason: "bad port") }
        return HTTPProxy(host: String(host), port: port, username: username, password: password)
    }

    /// Whether `exclusions` (comma-separated: `*`, exact names, or domain suffixes with or without a leading dot)
    /// says `host` is reached without the proxy.
    public static func isExcluded(_ host: String, by exclusions: String) -> Bool {
        let target = host.lowercased()
        for entry in exclusions.split(separator: ",") {
            let exclusion = entry.filter { $0 != " " && $0 != "\t" }.lowercased()
            guard !exclusion.isEmpty else { continue }
            let domain = exclusion.hasPrefix(".") ? String(exclusion.dropFirst()) : exclusion
            if exclusion == "*" || target == domain || target.hasSuffix("." + domain) { return true }
        }
        return false
    }
}
