import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import Testing

/// The built-in bridge behind an HTTP proxy that refuses the tunnel (403, or 407 for credentials it does not take):
/// `tedge connect`'s warning, `tedge bridge status` and the retained health say what went wrong, the mapper's log
/// says it once, and the bridge keeps asking (with backoff) without crashing.
@Suite(.serialized) struct BridgeProxyTests {
    @Test(arguments: ["403 Forbidden", "407 Proxy Authentication Required"])
    func aRefusingProxyIsReportedOnceAndRetried(refusal: String) async throws {
        let proxy = try TunnelProxy(refusal: refusal)
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure()
        try await device.useBuiltInBridge()
        for (key, value) in [
            ("proxy.address", "http://127.0.0.1:\(proxy.port)"), ("proxy.username", "device"), ("proxy.password", "s3cret"),
        ] {
            device.expectSuccess(try await device.tedge("config", "set", key, value))
        }
        let reason =
            "the proxy 127.0.0.1:\(proxy.port) refused a tunnel to localhost:\(device.simulatorTLSPort): the proxy answered: HTTP/1.1 \(refusal)"

        let connect = try await device.tedge("connect", "az")
        // The connection check still runs, and fails as a warning, as with a mosquitto bridge that cannot connect.
        #expect(connect.standardOutput.contains("Warning: Bridge has been configured, but Azure connection check failed."))
        #expect(
            connect.standardOutput.contains("Warning: the built-in bridge did not report \"up\""), "\(connect.standardOutput)")
        #expect(connect.standardOutput.contains(reason), "\(connect.standardOutput)")

        // The credentials went to the proxy (Basic, `device:s3cret`), and it was asked again and again.
        let heads = proxy.requestHeads
        #expect(heads.first?.contains("CONNECT localhost:\(device.simulatorTLSPort) HTTP/1.1\r\n") == true)
        #expect(heads.first?.contains("Proxy-Authorization: Basic ZGV2aWNlOnMzY3JldA==\r\n") == true, "\(heads.first ?? "")")
        #expect(heads.count >= 3, "the bridge tried \(heads.count) times")

        let status = try await device.tedge("bridge", "status", "az")
        device.expectSuccess(status)
        #expect(status.standardOutput.contains("Health: down"), "\(status.standardOutput)")
        #expect(status.standardOutput.contains("Cloud connected: false"), "\(status.standardOutput)")
        #expect(status.standardOutput.contains("Cloud error: " + reason), "\(status.standardOutput)")

        // Logged once for this reason, however often it was tried.
        let log = try String(contentsOfFile: device.initState + "/tedge-mapper-az.log", encoding: .utf8)
        let lines = log.split(separator: "\n").filter { $0.contains("HTTP/1.1 \(refusal)") }
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("cannot connect to localhost:\(device.simulatorTLSPort): " + reason) == true, "\(lines)")
        #expect(device.pid(of: "tedge-mapper-az").map { kill($0, 0) == 0 } == true, "the mapper still runs")
        device.expectSuccess(try await device.tedge("disconnect", "az"))
    }
}
