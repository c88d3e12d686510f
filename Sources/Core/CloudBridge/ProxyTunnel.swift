import TedgeHTTPProxy

/// The proxy the cloud connection goes through, with the `Proxy-Authorization` value ready.
struct ProxyTunnel {
    var host: String
    var port: UInt16
    var authorization: String?
}
