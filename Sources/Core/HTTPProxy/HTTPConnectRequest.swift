/// The request that asks an HTTP proxy for a tunnel (RFC 9110 §9.3.6), shared by the HTTPS client and the built-in
/// bridge's cloud connection.
public enum HTTPConnectRequest {
    /// `authorization`: the `Proxy-Authorization` value (`Basic <base64>`), nil for none.
    public static func bytes(host: String, port: Int, authorization: String? = nil) -> [UInt8] {
        var text = "CONNECT \(host):\(port) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        if let authorization { text += "Proxy-Authorization: \(authorization)\r\n" }
        return Array((text + "\r\n").utf8)
    }
}
