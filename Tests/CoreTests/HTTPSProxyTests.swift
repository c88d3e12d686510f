import TedgeProviderAPI
import TedgeRuntime
import Testing

@Suite struct HTTPSProxyTests {
    @Test func proxyFromTheEnvironment() throws {
        #expect(try HTTPSProxy.forHost("t.c8y.io", environment: [:]) == nil)
        #expect(
            try HTTPSProxy.forHost("t.c8y.io", environment: ["HTTPS_PROXY": "http://proxy:3128"])
                == HTTPSProxy(host: "proxy", port: 3128))
        #expect(
            try HTTPSProxy.forHost("t.c8y.io", environment: ["https_proxy": "proxy:8080/"])
                == HTTPSProxy(host: "proxy", port: 8080))
        #expect(
            try HTTPSProxy.forHost("t.c8y.io", environment: ["HTTPS_PROXY": "http://proxy"])
                == HTTPSProxy(host: "proxy", port: 80))
    }

    @Test func noProxyExemptsHostsAndDomains() throws {
        let proxy = "http://proxy:3128"
        #expect(try HTTPSProxy.forHost("t.c8y.io", environment: ["HTTPS_PROXY": proxy, "NO_PROXY": "localhost, c8y.io"]) == nil)
        #expect(try HTTPSProxy.forHost("t.c8y.io", environment: ["HTTPS_PROXY": proxy, "no_proxy": ".c8y.io"]) == nil)
        #expect(try HTTPSProxy.forHost("anything", environment: ["HTTPS_PROXY": proxy, "NO_PROXY": "*"]) == nil)
        #expect(try HTTPSProxy.forHost("notc8y.io", environment: ["HTTPS_PROXY": proxy, "NO_PROXY": "c8y.io"]) != nil)
    }

    @Test(arguments: ["socks5://proxy:1080", "http://user:pw@proxy:3128", "http://proxy:99999", "http://:3128"])
    func badProxiesAreRefused(_ url: String) {
        #expect(throws: TedgeError.self) { try HTTPSProxy.forHost("t.c8y.io", environment: ["HTTPS_PROXY": url]) }
    }
}
