/// The HTTP proxy for the built-in bridge's cloud connection (`proxy.*`, thin-edge's names).
public enum ProxyConfigKeys {
    public static let address = ConfigKey(
        "proxy.address", table: "proxy", field: "address", kind: .string,
        doc: "HTTP proxy (CONNECT tunnel) for the built-in bridge's cloud connection. Example: http://proxy.local:8080")
    public static let username = ConfigKey(
        "proxy.username", table: "proxy", field: "username", kind: .string,
        doc: "User name for the proxy (Basic authentication). Example: device")
    public static let password = ConfigKey(
        "proxy.password", table: "proxy", field: "password", kind: .string,
        doc: "Password for the proxy (Basic authentication). Example: secret")
    public static let noProxy = ConfigKey(
        "proxy.no_proxy", table: "proxy", field: "no_proxy", kind: .string,
        doc: "Hosts reached without the proxy: comma-separated names or domain suffixes, or *. Example: localhost,.local")

    public static let all = [address, username, password, noProxy]
}
