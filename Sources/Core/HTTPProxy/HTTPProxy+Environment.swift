import Glibc

extension HTTPProxy {
    /// The proxy variables of this process's environment (`HTTPS_PROXY`, `NO_PROXY`, in either case).
    public static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        for name in ["HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"] {
            if let value = getenv(name) { result[name] = String(cString: value) }
        }
        return result
    }

    /// The proxy URL `environment` gives for `host` (curl's convention: `HTTPS_PROXY`, unless `NO_PROXY` excludes
    /// the host); nil for a direct connection.
    public static func environmentURL(for host: String, in environment: [String: String]) -> String? {
        guard let url = environment["HTTPS_PROXY"] ?? environment["https_proxy"], !url.isEmpty else { return nil }
        return isExcluded(host, by: environment["NO_PROXY"] ?? environment["no_proxy"] ?? "") ? nil : url
    }
}
