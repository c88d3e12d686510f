import TedgeProviderAPI
import Testing

@testable import TedgeCloudBridge
@testable import TedgeHTTPProxy

/// The pieces of the cloud connection's HTTP proxy: the CONNECT request, the proxy's answer, the proxy URL, the
/// exclusion list, and where the bridge takes them from (`proxy.*` keys, else `HTTPS_PROXY`/`NO_PROXY`).
struct BridgeProxySettingsTests {
    @Test func connectRequestText() {
        #expect(
            String(decoding: HTTPConnectRequest.bytes(host: "hub.example.net", port: 8883), as: UTF8.self)
                == "CONNECT hub.example.net:8883 HTTP/1.1\r\nHost: hub.example.net:8883\r\n\r\n")
        #expect(
            String(decoding: HTTPConnectRequest.bytes(host: "h", port: 443, authorization: "Basic dTpw"), as: UTF8.self)
                == "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\nProxy-Authorization: Basic dTpw\r\n\r\n")
    }

    @Test func connectResponse() {
        func read(_ text: String) -> HTTPConnectResponse {
            var response = HTTPConnectResponse()
            for byte in text.utf8 where !response.isComplete { _ = response.append(byte) }
            return response
        }
        let open = read("HTTP/1.1 200 Connection established\r\nVia: p\r\n\r\nTLS bytes after the header")
        #expect(open.isComplete && open.isSuccess)
        #expect(
            open.bytes.count == "HTTP/1.1 200 Connection established\r\nVia: p\r\n\r\n".utf8.count,
            "nothing past the header is read")
        let refused = read("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n")
        #expect(refused.isComplete && !refused.isSuccess)
        #expect(refused.statusLine == "HTTP/1.1 407 Proxy Authentication Required")
        #expect(read("HTTP/1.0 200 OK\r\n\r\n").isSuccess)
        #expect(!read("HTTP/1.1 2000 OK\r\n\r\n").isSuccess)
        #expect(!read("SSH-2.0-OpenSSH\r\n\r\n").isSuccess)
        #expect(!read("HTTP/1.1 200 OK\r\n").isComplete)
        let endless = read(String(repeating: "x", count: HTTPConnectResponse.maximumBytes + 100))
        #expect(endless.isComplete && !endless.isSuccess && endless.bytes.count == HTTPConnectResponse.maximumBytes)
    }

    @Test func proxyURLs() throws {
        #expect(try HTTPProxy.parse("http://proxy.local:3128") == HTTPProxy(host: "proxy.local", port: 3128))
        #expect(try HTTPProxy.parse("proxy.local:3128/") == HTTPProxy(host: "proxy.local", port: 3128))
        #expect(try HTTPProxy.parse("HTTP://proxy.local") == HTTPProxy(host: "proxy.local", port: 80))
        #expect(
            try HTTPProxy.parse("http://me:p@ss@proxy.local:8080/")
                == HTTPProxy(host: "proxy.local", port: 8080, username: "me", password: "p@ss"))
        #expect(try HTTPProxy.parse("http://me@proxy.local:8080") == HTTPProxy(host: "proxy.local", port: 8080, username: "me"))
        #expect(throws: HTTPProxy.Invalid(reason: "only http:// proxies are supported")) { try HTTPProxy.parse("https://p:1") }
        #expect(throws: HTTPProxy.Invalid(reason: "bad port")) { try HTTPProxy.parse("http://p:0") }
        #expect(throws: HTTPProxy.Invalid(reason: "bad port")) { try HTTPProxy.parse("http://p:http") }
        #expect(throws: HTTPProxy.Invalid(reason: "no host")) { try HTTPProxy.parse("http://:8080") }
    }

    @Test func exclusions() {
        #expect(HTTPProxy.isExcluded("hub.azure-devices.net", by: "*"))
        #expect(HTTPProxy.isExcluded("hub.azure-devices.net", by: "localhost, azure-devices.net"))
        #expect(HTTPProxy.isExcluded("hub.azure-devices.net", by: ".azure-devices.net"))
        #expect(HTTPProxy.isExcluded("HUB.Azure-Devices.NET", by: "azure-devices.net"))
        #expect(HTTPProxy.isExcluded("localhost", by: "localhost"))
        #expect(!HTTPProxy.isExcluded("evil-azure-devices.net", by: "azure-devices.net"))
        #expect(!HTTPProxy.isExcluded("hub.azure-devices.net", by: ""))
        #expect(!HTTPProxy.isExcluded("hub.azure-devices.net", by: " , ,example.com"))
    }

    static func config(_ settings: [(ConfigKey, String)]) throws -> TedgeConfig {
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: []), directory: "/nonexistent")
        for (key, value) in settings { try config.set(key, to: value) }
        return config
    }

    @Test func configuredProxyWithBasicCredentials() throws {
        let config = try Self.config([
            (ProxyConfigKeys.address, "http://proxy.local:3128"), (ProxyConfigKeys.username, "device"),
            (ProxyConfigKeys.password, "s3cret"),
        ])
        let proxy = try #require(try BridgeSettings.proxy(for: "hub.example.net", config: config, environment: [:]))
        #expect(proxy.host == "proxy.local" && proxy.port == 3128)
        #expect(proxy.authorization == "Basic ZGV2aWNlOnMzY3JldA==")
        // The environment does not override the keys.
        let again = try BridgeSettings.proxy(
            for: "hub.example.net", config: config, environment: ["HTTPS_PROXY": "http://other:1", "NO_PROXY": "*"])
        #expect(again?.host == "proxy.local")
    }

    @Test func credentialsInTheURLAndNoProxyKey() throws {
        let inURL = try Self.config([(ProxyConfigKeys.address, "http://u:p@proxy.local:3128")])
        #expect(try BridgeSettings.proxy(for: "h", config: inURL, environment: [:])?.authorization == "Basic dTpw")
        let noAuthorization = try Self.config([(ProxyConfigKeys.address, "http://proxy.local:3128")])
        #expect(try BridgeSettings.proxy(for: "h", config: noAuthorization, environment: [:])?.authorization == nil)
        let excluded = try Self.config([
            (ProxyConfigKeys.address, "http://proxy.local:3128"), (ProxyConfigKeys.noProxy, ".example.net"),
        ])
        #expect(try BridgeSettings.proxy(for: "hub.example.net", config: excluded, environment: [:]) == nil)
        #expect(try BridgeSettings.proxy(for: "hub.example.org", config: excluded, environment: [:])?.host == "proxy.local")
    }

    @Test func environmentVariables() throws {
        let none = try Self.config([])
        #expect(try BridgeSettings.proxy(for: "hub.example.net", config: none, environment: [:]) == nil)
        #expect(try BridgeSettings.proxy(for: "hub.example.net", config: none, environment: ["HTTPS_PROXY": ""]) == nil)
        let upper = try BridgeSettings.proxy(for: "hub.example.net", config: none, environment: ["HTTPS_PROXY": "http://p:8080"])
        #expect(upper?.host == "p" && upper?.port == 8080)
        #expect(try BridgeSettings.proxy(for: "h", config: none, environment: ["https_proxy": "p2:9"])?.host == "p2")
        #expect(
            try BridgeSettings.proxy(
                for: "hub.example.net", config: none, environment: ["HTTPS_PROXY": "p:1", "NO_PROXY": "example.net"])
                == nil)
        #expect(
            try BridgeSettings.proxy(for: "hub.example.net", config: none, environment: ["HTTPS_PROXY": "p:1", "no_proxy": "*"])
                == nil)
        #expect(throws: TedgeError.self) {
            try BridgeSettings.proxy(for: "h", config: none, environment: ["HTTPS_PROXY": "socks5://p:1"])
        }
    }
}
