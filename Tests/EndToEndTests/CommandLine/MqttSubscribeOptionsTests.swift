import Foundation
import TedgeRuntime
import TedgeTestSupport
import Testing

/// `tedge mqtt sub` options that end it (`--count`, `--duration`, `--retained-only`), and its
/// readiness line: once "INFO: Connected" is printed, a message published is received.
@Suite struct MqttSubscribeOptionsTests {
    /// A device whose broker (local-init's mosquitto) listens on its `mqtt.port`.
    func deviceWithBroker() async throws -> DeviceEnvironment {
        let device = try await DeviceEnvironment()
        let config = MosquittoLocalConfig(port: device.mqttPort).render()
        try FileManager.default.createDirectory(
            atPath: device.configDirectory + "/mosquitto-conf", withIntermediateDirectories: true)
        try config.write(
            toFile: device.configDirectory + "/mosquitto-conf/tedge-mosquitto.conf", atomically: true, encoding: .utf8)
        device.expectSuccess(
            try await ChildProcess.run([Binaries.script("local-init"), device.initState, "restart", "mosquitto"]))
        #expect(await PortProbe.waitUntilListening(port: device.mqttPort, timeout: .seconds(5)))
        return device
    }

    /// Sync, for `defer`: local-init's stop takes a moment.
    func stopBroker(_ device: DeviceEnvironment) {
        _ = try? ChildProcess.run([Binaries.script("local-init"), device.initState, "stop", "mosquitto"])
    }

    func spawnSub(_ device: DeviceEnvironment, _ arguments: [String]) throws -> (ChildProcess, String) {
        let output = device.root + "/sub-\(UUID().uuidString.prefix(6)).out"
        let sub = try ChildProcess.spawn(
            [Binaries.tedge, "--config-dir", device.configDirectory, "mqtt", "sub"] + arguments,
            standardOutput: output, standardError: output)
        return (sub, output)
    }

    func waitFor(_ path: String, contains text: String) async throws {
        for _ in 0..<200 {
            if let content = try? String(contentsOfFile: path, encoding: .utf8), content.contains(text) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("'\(text)' never appeared in \(path): \((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")")
    }

    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test func countEndsAfterNMessagesAndConnectedMeansSubscribed() async throws {
        let device = try await deviceWithBroker()
        defer { stopBroker(device) }
        let (sub, output) = try spawnSub(device, ["test/#", "--count", "2"])
        defer { sub.stop() }
        try await waitFor(output, contains: "INFO: Connected")
        // Published at once after the readiness line: a subscriber not yet subscribed would miss it.
        device.expectSuccess(try await device.tedge("mqtt", "pub", "test/1", "one"))
        device.expectSuccess(try await device.tedge("mqtt", "pub", "test/2", "two"))
        #expect(await sub.wait(timeout: .seconds(20)) == .exited(0), "\(text(output))")
        #expect(text(output).contains("[test/1] one\n[test/2] two\n"))
    }

    @Test func durationEndsWithStatusZero() async throws {
        let device = try await deviceWithBroker()
        defer { stopBroker(device) }
        let (sub, output) = try spawnSub(device, ["test/#", "--duration", "500ms"])
        defer { sub.stop() }
        #expect(await sub.wait(timeout: .seconds(20)) == .exited(0), "\(text(output))")
    }

    @Test func retainedOnlyPrintsTheRetainedMessagesAndEnds() async throws {
        let device = try await deviceWithBroker()
        defer { stopBroker(device) }
        device.expectSuccess(try await device.tedge("mqtt", "pub", "state/a", "A", "-r", "-q", "1"))
        device.expectSuccess(try await device.tedge("mqtt", "pub", "state/b", "B", "-r", "-q", "1"))
        let (quiet, quietOutput) = try spawnSub(device, ["state/#", "--retained-only"])
        defer { quiet.stop() }
        #expect(await quiet.wait(timeout: .seconds(20)) == .exited(0), "\(text(quietOutput))")
        #expect(text(quietOutput).contains("[state/a] A\n[state/b] B\n"))

        // A live message ends it without being printed.
        let (live, liveOutput) = try spawnSub(device, ["state/#", "--retained-only"])
        defer { live.stop() }
        try await waitFor(liveOutput, contains: "INFO: Connected")
        device.expectSuccess(try await device.tedge("mqtt", "pub", "state/c", "live"))
        #expect(await live.wait(timeout: .seconds(20)) == .exited(0))
        #expect(!text(liveOutput).contains("live"))
    }

    @Test func backSoonAfterTheBrokerRestarts() async throws {
        let device = try await deviceWithBroker()
        defer { stopBroker(device) }
        let (sub, output) = try spawnSub(device, ["test/#", "--count", "1"])
        defer { sub.stop() }
        try await waitFor(output, contains: "INFO: Connected")
        device.expectSuccess(
            try await ChildProcess.run([Binaries.script("local-init"), device.initState, "restart", "mosquitto"]))
        #expect(await PortProbe.waitUntilListening(port: device.mqttPort, timeout: .seconds(5)))
        for _ in 0..<200 where text(output).components(separatedBy: "INFO: Connected").count < 3 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(text(output).components(separatedBy: "INFO: Connected").count == 3, "\(text(output))")
        device.expectSuccess(try await device.tedge("mqtt", "pub", "test/after", "back"))
        #expect(await sub.wait(timeout: .seconds(20)) == .exited(0))
        #expect(text(output).contains("[test/after] back"))
    }

    @Test func aCountBelowOneIsAUsageError() async throws {
        let device = try await DeviceEnvironment()
        let result = try await device.tedge("mqtt", "sub", "a/b", "--count", "0")
        #expect(result.status != .exited(0))
        #expect(result.standardError.contains("--count must be at least 1"))
    }
}
