import TedgeProviderAPI
import TedgeRuntime
import Testing

/// The second line of defence: whatever reached a config value, no control character reaches a
/// mosquitto file (a newline in a path would add a setting of its own).
@Suite struct ControlCharacterTests {
    func bridge(keyPath: String) throws -> BridgeDescription {
        BridgeDescription(
            connection: "edge@az", address: try HostAndPort(parsing: "hub.net", defaultPort: 8883),
            remoteUsername: nil, rootCertificatePath: "/etc/ssl/certs", remoteClientID: "d",
            localClientID: "Azure", certificatePath: "/etc/tedge/device-certs/cert.pem",
            keyPath: keyPath, cleanSession: false, topics: [])
    }

    @Test func aBridgeWithANewlineInAPathIsRefused() throws {
        let hostile = try bridge(keyPath: "/etc/tedge/key.pem\naddress evil.example:8883")
        #expect(throws: TedgeError.self) { try hostile.checkedRender(rootCertificateIsDirectory: true) }
        let fine = try bridge(keyPath: "/etc/tedge/key.pem")
        #expect(try fine.checkedRender(rootCertificateIsDirectory: true) == fine.render(rootCertificateIsDirectory: true))
    }

    @Test func theLocalBrokerConfigRefusesControlCharacters() throws {
        var config = MosquittoLocalConfig(port: 1883)
        #expect(try config.checkedRender() == config.render())
        config.externalPort = 8883
        config.externalCertFile = "/tmp/cert.pem\r"
        #expect(throws: TedgeError.self) { try config.checkedRender() }
    }

    @Test(arguments: ["a\nb", "a\rb", "a\tb", "a\u{1B}[31mb", "a\u{7F}", "a\u{85}b", "\u{0}"])
    func configValuesRefuseControlCharacters(_ value: String) {
        for kind in [ConfigValueKind.string, .path, .connectURL] {
            #expect(throws: TedgeError.self) { try kind.parse(value) }
        }
    }

    @Test func escapingShowsWhatWasThere() {
        #expect(ControlCharacters.escaped("a\nb") == "a\\u{A}b")
        #expect(ControlCharacters.escaped("plain é") == "plain é")
    }
}
