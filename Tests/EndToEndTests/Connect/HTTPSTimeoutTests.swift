import Foundation
import TedgeRuntime
import TedgeTestSupport
import Testing

/// `tedge cert upload c8y` gives up on a server that never answers, and goes through HTTPS_PROXY
/// (a refusing proxy, NO_PROXY, and a real CONNECT tunnel to the simulator).
@Suite struct HTTPSTimeoutTests {
    func preparedDevice(httpsPort: Int) async throws -> DeviceEnvironment {
        let device = try await DeviceEnvironment()
        device.expectSuccess(try await device.tedge("cert", "create", "--device-id", "my-device"))
        device.expectSuccess(try await device.tedge("config", "set", "c8y.url", "localhost"))
        device.expectSuccess(try await device.tedge("config", "set", "c8y.http", "localhost:\(httpsPort)"))
        return device
    }

    @Test func aSilentServerTimesOut() async throws {
        let silent = try SilentListener()
        let device = try await preparedDevice(httpsPort: silent.port)
        // Bounded: the command's own limits are well inside this.
        let result = try await ChildProcess.run(
            [Binaries.tedge, "--config-dir", device.configDirectory, "cert", "upload", "c8y", "--user", "u"],
            environment: ["C8YPASS": "secret"], timeout: .seconds(90))
        #expect(result.status == .exited(1), "\(result.standardError)")
        #expect(result.standardError.hasPrefix("Error: failed to upload root certificate\n\nCaused by:\n"))
        #expect(result.standardError.contains("timed out"), "\(result.standardError)")
    }

    @Test func theRequestGoesThroughHTTPSProxy() async throws {
        let proxy = try SilentListener(reply: "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        let device = try await preparedDevice(httpsPort: 1)  // nothing listens there: only the proxy can answer
        let arguments = [Binaries.tedge, "--config-dir", device.configDirectory, "cert", "upload", "c8y", "--user", "u"]
        let proxied = try await ChildProcess.run(
            arguments, environment: ["C8YPASS": "secret", "HTTPS_PROXY": "http://127.0.0.1:\(proxy.port)"],
            timeout: .seconds(90))
        #expect(proxied.status == .exited(1))
        #expect(
            proxied.standardError.contains("ask the proxy 127.0.0.1:\(proxy.port) for a tunnel to localhost:1"),
            "\(proxied.standardError)")
        #expect(proxied.standardError.contains("403 Forbidden"))

        let exempt = try await ChildProcess.run(
            arguments,
            environment: [
                "C8YPASS": "secret", "HTTPS_PROXY": "http://127.0.0.1:\(proxy.port)",
                "NO_PROXY": "localhost",
            ], timeout: .seconds(90))
        #expect(exempt.status == .exited(1))
        #expect(exempt.standardError.contains("connect to localhost:1"), "\(exempt.standardError)")
    }

    @Test func anUploadSucceedsThroughATunnel() async throws {
        let proxy = try TunnelProxy()
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepare(cloud: "c8y")
        device.expectSuccess(try await device.tedge("config", "set", "c8y.http", "localhost:\(device.simulatorHTTPSPort)"))
        let result = try await device.tedge(
            arguments: ["cert", "upload", "c8y", "--user", "admin"],
            extraEnvironment: ["C8YPASS": "tedge-sim", "HTTPS_PROXY": "http://127.0.0.1:\(proxy.port)"])
        device.expectSuccess(result)
        #expect(result.standardOutput == "Certificate uploaded successfully.\n")
        #expect(proxy.requestedTargets.contains("localhost:\(device.simulatorHTTPSPort)"), "\(proxy.requestedTargets)")
    }
}
